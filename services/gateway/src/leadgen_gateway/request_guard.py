"""Bad input stopped at the door, before any route, with the API's JSON errors:

* a body over ``MAX_BODY_BYTES`` is 413 ``payload_too_large``, whether its
  Content-Length says so up front or the stream runs past the limit;
* a JSON body the routes could not store is 422 ``validation_error`` naming the field:
  not UTF-8, not JSON (NaN and Infinity included, nesting past the parser, numbers of
  over 4,300 digits), or text with a NUL or an unpaired surrogate, which Postgres text
  and jsonb refuse (they were 500s, or a 400 without a code, before);
* a query parameter with a NUL is 422 the same way.

The body is read once here (it is at most ``MAX_BODY_BYTES``) and replayed to the app.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from leadgen_common.contracts.codec import refuse_constant, unstorable_text
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import validation_response

UNSTORABLE = "text with a NUL character or an unpaired surrogate"


class RequestGuard:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending its body
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = _query_problem(scope) or _body_problem(headers, body)
        if problem is not None:
            await validation_response([problem])(scope, receive, send)
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # e.g. http.disconnect, for streaming responses
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            status_code=413,
            content={
                "code": "payload_too_large",
                "message": f"the request body is over {self.max_body_bytes} bytes",
            },
        )
        await response(scope, receive, send)


def _query_problem(scope: Scope) -> dict[str, str] | None:
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            return {"field": name.replace("\x00", "\\x00") or "query", "message": UNSTORABLE}
    return None


def _body_problem(headers: Headers, body: bytes) -> dict[str, str] | None:
    if not body or not _is_json(headers.get("content-type")):
        return None  # routes refuse other bodies themselves (422)
    try:
        parsed: Any = json.loads(body, parse_constant=refuse_constant)
    except (ValueError, RecursionError) as exc:
        detail = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else "not valid JSON"
        return {"field": "body", "message": f"the body is {detail}"}
    path = unstorable_text(parsed)
    if path is not None:
        return {"field": path.encode("utf-8", "backslashreplace").decode(), "message": UNSTORABLE}
    return None


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and "+json" in media)

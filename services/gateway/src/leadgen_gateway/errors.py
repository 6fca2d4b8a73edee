"""JSON errors with a stable ``code`` (DESIGN.md "HTTP API"): every failure the API
answers, validation included, has the shape ``{code, message, field?, errors?}``."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

#: Where FastAPI says a value came from; not part of the field path a client sees.
_SOURCES = {"body", "query", "path", "header", "cookie"}
#: Segments pydantic adds for union members, dict keys and validators: not fields either.
_TYPE_TAGS = {"str", "int", "float", "bool", "list", "dict", "none", "[key]"}


class ApiError(Exception):
    """An answer other than success, raised anywhere below a route."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.errors = errors
        self.headers = headers


def not_found(kind: str, field: str | None = None) -> ApiError:
    return ApiError(404, f"{kind}_not_found", f"{kind.replace('_', ' ')} not found", field)


def invalid(field: str, message: str) -> ApiError:
    """A 422 about one field found bad after schema validation (e.g. a forged cursor)."""
    return ApiError(
        422,
        "validation_error",
        f"invalid request: {field}",
        field,
        [{"field": field, "message": message}],
    )


def field_path(loc: Sequence[Any]) -> str:
    """('body', 'demographics', 'jobTitles', 0) -> 'demographics.jobTitles[0]'."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in _SOURCES and not path:
            continue
        elif _is_tag(part):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


def _is_tag(part: Any) -> bool:
    return isinstance(part, str) and (part in _TYPE_TAGS or "[" in part)


def validation_errors(errors: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """One entry per bad field. A union reports each member: keep the first message, and
    when one member got deeper (a list with a bad item), report only the deeper path."""
    found: dict[str, tuple[str, bool]] = {}
    for error in errors:
        loc = tuple(error.get("loc", ()))
        path = field_path(loc)
        found.setdefault(path, (str(error.get("msg", "invalid")), any(map(_is_tag, loc))))

    def superseded(path: str, from_union: bool) -> bool:
        return from_union and any(
            other.startswith((f"{path}[", f"{path}.")) for other in found if other != path
        )

    return [
        {"field": path, "message": message}
        for path, (message, from_union) in found.items()
        if not superseded(path, from_union)
    ]


def validation_response(errors: list[dict[str, str]]) -> JSONResponse:
    fields = ", ".join(e["field"] for e in errors)
    content = _body("validation_error", f"invalid request: {fields}", errors[0]["field"], errors)
    return JSONResponse(status_code=422, content=content)


def _body(
    code: str,
    message: str,
    field: str | None = None,
    errors: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    content: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        content["field"] = field
    if errors is not None:
        content["errors"] = errors
    return content


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        headers.update(exc.headers or {})
        return JSONResponse(
            status_code=exc.status,
            content=_body(exc.code, exc.message, exc.field, exc.errors),
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if errors and all(e.get("loc", ("",))[0] == "path" for e in errors):
            # A malformed id in the URL names no resource: same answer as an unknown one.
            return JSONResponse(status_code=404, content=_body("not_found", "not found"))
        return validation_response(validation_errors(errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return JSONResponse(
            status_code=exc.status_code,
            content=_body(code, str(exc.detail)),
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error")
        return JSONResponse(status_code=500, content=_body("internal_error", "internal error"))

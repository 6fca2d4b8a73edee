"""The console's session: the user's bearer token in an HttpOnly cookie, a CSRF token
bound to it, and an HTTP client that calls the gateway's own API in-process with that
token (so RBAC, validation and tenancy stay in the API: the console is only a client)."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import Request
from leadgen_common.auth import InvalidToken, Principal, verify_token

from ..domain.permissions import Permission, allows
from ..settings import GatewaySettings

COOKIE = "leadgen_console"
#: API paths are names and ids only: an id from a form or query string that would add a
#: segment, a dot segment, a query or an escape never reaches the API.
SAFE_PATH = re.compile(r"^(/[A-Za-z0-9_-]+)+$")
#: The in-process API's origin (never resolved: requests go through the ASGI transport).
API_BASE = "http://gateway.console"


class LoginRequired(Exception):
    """No valid session: the console answers with a redirect to its login page."""


class CsrfFailed(Exception):
    """A console form came without the CSRF token of the session."""


@dataclass(frozen=True)
class ApiAnswer:
    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def field_errors(self) -> dict[str, str]:
        """The API's 422 as {field path without list indexes: first message}."""
        errors: dict[str, str] = {}
        if not isinstance(self.body, dict):
            return errors
        for error in self.body.get("errors") or []:
            field = str(error.get("field", "body")).split("[")[0]
            errors.setdefault(field, str(error.get("message", "invalid")))
        if not errors and self.body.get("field"):
            errors[self.body["field"]] = str(self.body.get("message", "invalid"))
        return errors

    @property
    def message(self) -> str:
        if isinstance(self.body, dict) and self.body.get("message"):
            return str(self.body["message"])
        return f"the API answered {self.status}"


def csrf_token(settings: GatewaySettings, token: str) -> str:
    """Bound to the session's token, so a form from another session (or site) fails."""
    key = settings.jwt_secret.get_secret_value().encode()
    return hmac.new(key, b"console-csrf:" + token.encode(), hashlib.sha256).hexdigest()


@dataclass
class Session:
    token: str
    principal: Principal
    csrf: str
    client: httpx.AsyncClient

    @property
    def can_manage(self) -> bool:
        """ICPs, campaigns, their control and review (the API refuses the rest anyway)."""
        return allows(self.principal.role, Permission.CREATE_CAMPAIGN)

    async def call(
        self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> ApiAnswer:
        if not SAFE_PATH.match(path):
            return ApiAnswer(404, {"code": "not_found", "message": "no such resource"})
        response = await self.client.request(method, f"/api/v1{path}", json=json, params=params)
        if response.status_code == 401:
            raise LoginRequired
        body = response.json() if response.content else None
        return ApiAnswer(response.status_code, body)

    async def get(self, path: str, **params: Any) -> ApiAnswer:
        clean = {k: v for k, v in params.items() if v not in (None, "")}
        return await self.call("GET", path, params=clean)

    def check_csrf(self, value: str | None) -> None:
        if not value or not hmac.compare_digest(value, self.csrf):
            raise CsrfFailed


def principal_of(settings: GatewaySettings, token: str) -> Principal | None:
    try:
        return verify_token(settings, token)
    except InvalidToken:
        return None


def api_client(request: Request, token: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=request.app)
    return httpx.AsyncClient(
        transport=transport,
        base_url=API_BASE,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30.0,
    )


async def session(request: Request) -> AsyncIterator[Session]:
    """The request's session (LoginRequired when there is none or its token expired)."""
    settings: GatewaySettings = request.app.state.gateway.settings
    token = request.cookies.get(COOKIE)
    principal = principal_of(settings, token) if token else None
    if token is None or principal is None:
        raise LoginRequired
    async with api_client(request, token) as client:
        yield Session(token, principal, csrf_token(settings, token), client)

"""OAuth2 client credentials (RFC 6749 §4.4), the way LinkedIn issues application tokens:
``POST {token_url}`` with a form body ``grant_type=client_credentials&client_id=…&
client_secret=…`` answers ``{"access_token": …, "expires_in": seconds}``.

The token is cached and shared by every campaign of the replica; it is fetched again a
margin before it expires, or at once after the API refused it (revoked, or expired early):
the caller hands back the refused token, so concurrent refusals fetch one new token, not
one each.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import SecretStr

from ..ports import PlatformUnavailable
from .platform_api import PlatformApi, error_message, refused

OPERATION = "token"


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    refresh_at: float  # clock time after which it is fetched again


class ClientCredentials:
    def __init__(
        self,
        api: PlatformApi,
        *,
        token_url: str,
        client_id: SecretStr,
        client_secret: SecretStr,
        refresh_margin_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api = api
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_margin_s = refresh_margin_s
        self.clock = clock
        self.fetched = 0  # tokens fetched so far (tests and logs)
        self._token: _Token | None = None
        self._lock = asyncio.Lock()

    async def bearer(self) -> str:
        """A valid access token, fetched only when there is none or it is expiring."""
        async with self._lock:
            if self._token is None or self.clock() >= self._token.refresh_at:
                self._token = await self._fetch()
            return self._token.value

    def refused(self, value: str) -> None:
        """The API answered 401 to ``value``: the next ``bearer()`` fetches a new one."""
        if self._token is not None and self._token.value == value:
            self._token = None

    async def _fetch(self) -> _Token:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id.get_secret_value(),
            "client_secret": self.client_secret.get_secret_value(),
        }
        response = await self.api.call(
            OPERATION, lambda: self.api.http.post(self.token_url, data=form), limited=False
        )
        platform = self.api.platform
        if response.status_code != 200:
            reason = error_message(response, ("error_description",), ("error",), ("message",))
            raise PlatformUnavailable(refused(platform, "oauth", response, reason))
        try:
            body = response.json()
            value, expires_in = str(body["access_token"]), float(body["expires_in"])
        except (ValueError, KeyError, TypeError) as exc:
            raise PlatformUnavailable(f"{platform.value} oauth: malformed token ({exc!r})") from exc
        self.fetched += 1
        # A token shorter-lived than twice the margin is used for half its life.
        margin = min(self.refresh_margin_s, expires_in / 2)
        return _Token(value, self.clock() + expires_in - margin)

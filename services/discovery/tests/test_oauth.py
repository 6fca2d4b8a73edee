"""OAuth2 client credentials: one token shared and cached, fetched again before it
expires or after the API refused it, and a refused application fails with the reason."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

import httpx
import pytest
from leadgen_common.contracts import Platform
from leadgen_common.http_retry import RetryPolicy
from leadgen_discovery.adapters.oauth import ClientCredentials
from leadgen_discovery.adapters.platform_api import PlatformApi
from leadgen_discovery.ports import PlatformUnavailable
from pydantic import SecretStr

POLICY = RetryPolicy(attempts=2, backoff_s=0.01, max_backoff_s=0.01, max_retry_after_s=1)
TOKEN_URL = "http://li.test/oauth/v2/accessToken"


class TokenServer:
    """Issues token-1, token-2, ... valid ``expires_in`` seconds; or refuses everyone."""

    def __init__(self, expires_in: int = 1800, refuse: bool = False) -> None:
        self.expires_in = expires_in
        self.refuse = refuse
        self.forms: list[dict[str, list[str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.forms.append(parse_qs(request.content.decode()))
        if self.refuse:
            body = {"error": "invalid_client", "error_description": "Client authentication failed"}
            return httpx.Response(401, json=body)
        token = f"token-{len(self.forms)}"
        return httpx.Response(200, json={"access_token": token, "expires_in": self.expires_in})


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def credentials(server: TokenServer, make_limiter, clock: Clock | None = None):
    http = httpx.AsyncClient(transport=httpx.MockTransport(server))
    api = PlatformApi(Platform.LINKEDIN, http, limiter=make_limiter(), policy=POLICY)
    return ClientCredentials(
        api,
        token_url=TOKEN_URL,
        client_id=SecretStr("app-id"),
        client_secret=SecretStr("app-secret"),
        refresh_margin_s=60,
        clock=clock or Clock(),
    )


async def test_posts_client_credentials_and_caches_the_token(make_limiter):
    server = TokenServer()
    oauth = credentials(server, make_limiter)

    assert await oauth.bearer() == "token-1"
    assert await oauth.bearer() == "token-1"

    assert server.forms == [
        {
            "grant_type": ["client_credentials"],
            "client_id": ["app-id"],
            "client_secret": ["app-secret"],
        }
    ]


async def test_concurrent_callers_share_one_fetch(make_limiter):
    server = TokenServer()
    oauth = credentials(server, make_limiter)
    tokens = await asyncio.gather(*(oauth.bearer() for _ in range(20)))
    assert set(tokens) == {"token-1"} and len(server.forms) == 1


async def test_fetched_again_a_margin_before_it_expires(make_limiter):
    server, clock = TokenServer(expires_in=1800), Clock()
    oauth = credentials(server, make_limiter, clock)
    assert await oauth.bearer() == "token-1"

    clock.now = 1800 - 61
    assert await oauth.bearer() == "token-1"
    clock.now = 1800 - 59
    assert await oauth.bearer() == "token-2"


async def test_a_short_lived_token_is_used_for_half_its_life(make_limiter):
    server, clock = TokenServer(expires_in=30), Clock()
    oauth = credentials(server, make_limiter, clock)
    assert await oauth.bearer() == "token-1"
    clock.now = 14
    assert await oauth.bearer() == "token-1"
    clock.now = 16
    assert await oauth.bearer() == "token-2"


async def test_a_refused_token_is_replaced_once_whoever_reports_it(make_limiter):
    server = TokenServer()
    oauth = credentials(server, make_limiter)
    stale = await oauth.bearer()

    oauth.refused(stale)
    oauth.refused(stale)  # a second campaign saw the same 401
    assert await oauth.bearer() == "token-2"
    oauth.refused(stale)  # late news about the old token changes nothing
    assert await oauth.bearer() == "token-2"
    assert len(server.forms) == 2


async def test_a_refused_application_fails_with_the_providers_reason(make_limiter):
    oauth = credentials(TokenServer(refuse=True), make_limiter)
    with pytest.raises(
        PlatformUnavailable,
        match="linkedin oauth refused: HTTP 401 Client authentication failed",
    ):
        await oauth.bearer()


async def test_a_malformed_token_answer_fails(make_limiter):
    http = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda _: httpx.Response(200, json={"token": "x"}))
    )
    api = PlatformApi(Platform.LINKEDIN, http, limiter=make_limiter(), policy=POLICY)
    oauth = ClientCredentials(
        api,
        token_url=TOKEN_URL,
        client_id=SecretStr("a"),
        client_secret=SecretStr("b"),
        refresh_margin_s=60,
    )
    with pytest.raises(PlatformUnavailable, match="malformed token"):
        await oauth.bearer()

"""How every platform call is made: a token of the shared limiter (a real Valkey) per
attempt, retries, a 429's Retry-After shared through the gate, and each wait reported
as the platform's rateLimitedUntil."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from leadgen_common.contracts import Platform
from leadgen_common.http_retry import RetryPolicy
from leadgen_common.ratelimit import BucketLimit
from leadgen_discovery.adapters.platform_api import PlatformApi, error_message
from leadgen_discovery.ports import PlatformUnavailable
from prometheus_client import REGISTRY

pytestmark = pytest.mark.timeout(30)
POLICY = RetryPolicy(attempts=3, backoff_s=0.01, max_backoff_s=0.05, max_retry_after_s=5)


class Waits:
    def __init__(self) -> None:
        self.told: list[datetime] = []

    async def rate_limited(self, until: datetime) -> None:
        self.told.append(until)


def scripted(*answers: httpx.Response | Exception):
    """A client whose requests get ``answers`` in turn; the requests are kept."""
    script = list(answers)
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        reply = script.pop(0) if script else httpx.Response(200, json={})
        if isinstance(reply, Exception):
            raise reply
        return reply

    return httpx.AsyncClient(transport=httpx.MockTransport(answer)), seen


def calls(platform: str, operation: str, outcome: str) -> float:
    labels = {"platform": platform, "operation": operation, "outcome": outcome}
    return REGISTRY.get_sample_value("platform_api_calls_total", labels) or 0.0


async def test_each_call_takes_a_limiter_token_and_waits_for_the_next(make_limiter):
    limiter = make_limiter({"linkedin:search": BucketLimit(limit=2, window_s=1.0)})
    http, seen = scripted()
    api = PlatformApi(Platform.LINKEDIN, http, limiter=limiter, policy=POLICY)
    waits = Waits()
    before = datetime.now(UTC)
    started = asyncio.get_running_loop().time()

    for _ in range(3):
        response = await api.call("search", lambda: http.get("http://li.test/s"), waits)
        assert response.status_code == 200

    assert len(seen) == 3
    # The third call waited for the first token to age out of the 1 s window, and said so.
    assert asyncio.get_running_loop().time() - started >= 0.9
    assert waits.told and all(
        before < until <= before + timedelta(seconds=1.1) for until in waits.told
    )


async def test_a_waiting_campaign_does_not_hold_up_another_bucket(make_limiter):
    limiter = make_limiter({"facebook:audience": BucketLimit(limit=1, window_s=30)})
    http, _ = scripted()
    api = PlatformApi(Platform.FACEBOOK, http, limiter=limiter, policy=POLICY)
    await api.call("audience", lambda: http.get("http://fb.test/a"))
    stuck = asyncio.create_task(api.call("audience", lambda: http.get("http://fb.test/a")))

    async with asyncio.timeout(2):  # members has tokens: it goes while audience waits
        response = await api.call("members", lambda: http.get("http://fb.test/m"))
    assert response.status_code == 200
    assert not stuck.done()
    stuck.cancel()


async def test_a_429_waits_its_retry_after_reported_then_succeeds(make_limiter):
    http, seen = scripted(
        httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(200, json={"ok": 1})
    )
    api = PlatformApi(Platform.TWITTER, http, limiter=make_limiter(), policy=POLICY)
    waits = Waits()
    limited_before = calls("twitter", "search", "rate_limited")
    before = datetime.now(UTC)

    response = await api.call("search", lambda: http.get("http://x.test/2/users/search"), waits)

    assert response.json() == {"ok": 1} and len(seen) == 2
    assert calls("twitter", "search", "rate_limited") == limited_before + 1
    [until] = waits.told
    assert before + timedelta(seconds=0.9) < until < before + timedelta(seconds=2)


async def test_one_429_holds_back_every_request_of_the_replica_to_the_platform(
    make_limiter, wait_until
):
    http, seen = scripted(httpx.Response(429, headers={"Retry-After": "1"}))
    api = PlatformApi(Platform.TWITTER, http, limiter=make_limiter(), policy=POLICY)
    first = asyncio.create_task(api.call("search", lambda: http.get("http://x.test/1")))
    await wait_until(lambda: bool(seen))  # the first request got its 429
    waits = Waits()
    started = asyncio.get_running_loop().time()

    await api.call("search", lambda: http.get("http://x.test/2"), waits)

    assert asyncio.get_running_loop().time() - started >= 0.8  # it waited the cool-down
    assert len(waits.told) == 1  # and showed it
    await first


async def test_backoffs_after_5xx_are_not_shown_as_rate_limit_waits(make_limiter):
    http, _ = scripted(httpx.Response(503), httpx.ConnectTimeout("slow"), httpx.Response(200))
    api = PlatformApi(Platform.LINKEDIN, http, limiter=make_limiter(), policy=POLICY)
    waits = Waits()
    errors_before = calls("linkedin", "search", "server_error")

    response = await api.call("search", lambda: http.get("http://li.test/s"), waits)

    assert response.status_code == 200 and waits.told == []
    assert calls("linkedin", "search", "server_error") == errors_before + 1


async def test_past_the_retry_budget_the_platform_is_unavailable(make_limiter):
    http, seen = scripted(*(httpx.Response(502) for _ in range(3)))
    api = PlatformApi(Platform.LINKEDIN, http, limiter=make_limiter(), policy=POLICY)
    with pytest.raises(PlatformUnavailable, match="linkedin search: HTTP 502 after 3 attempts"):
        await api.call("search", lambda: http.get("http://li.test/s"))
    assert len(seen) == 3


async def test_a_retry_after_beyond_the_policy_fails_at_once(make_limiter):
    http, seen = scripted(httpx.Response(429, headers={"Retry-After": "3600"}))
    api = PlatformApi(Platform.LINKEDIN, http, limiter=make_limiter(), policy=POLICY)
    with pytest.raises(PlatformUnavailable, match="Retry-After 3600s is too long"):
        await api.call("search", lambda: http.get("http://li.test/s"))
    assert len(seen) == 1


async def test_unlimited_calls_skip_the_limiter(make_limiter):
    limiter = make_limiter({"linkedin:token": BucketLimit(limit=1, window_s=60)})
    http, seen = scripted()
    api = PlatformApi(Platform.LINKEDIN, http, limiter=limiter, policy=POLICY)
    async with asyncio.timeout(2):
        for _ in range(3):
            await api.call("token", lambda: http.post("http://li.test/t"), limited=False)
    assert len(seen) == 3


def test_error_messages_come_from_the_first_path_that_holds_text():
    body = {"error": {"message": "Invalid OAuth access token", "code": 190}}
    assert error_message(httpx.Response(400, json=body), ("error", "message")) == (
        "Invalid OAuth access token"
    )
    assert error_message(httpx.Response(400, json={"detail": "x"}), ("title",), ("detail",)) == "x"
    assert error_message(httpx.Response(400, text="<html>")) == ""

"""Bounded retries: backoff (with jitter) on 5xx/timeouts, Retry-After on 429, a shared
cool-down through the gate, and giving up instead of blocking."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from leadgen_common.http_retry import (
    FAILED,
    RATE_LIMITED,
    ProviderGate,
    RetryPolicy,
    retry_after_s,
    send_with_retries,
)

URL = "http://provider.test/thing"


class FakeTime:
    """A clock the fake sleep advances, so waits are measured, not spent."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def scripted(*responses):
    """A transport answering each request with the next scripted status/exception."""
    script = list(responses)
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        step = script.pop(0)
        if isinstance(step, Exception):
            raise step
        status, headers = step if isinstance(step, tuple) else (step, {})
        return httpx.Response(status, headers=headers, json={})

    return httpx.MockTransport(handle), seen


async def run(transport, policy=None, time=None, gate=None, *, gated=True, on_attempt=None):
    time = time or FakeTime()
    if gated:
        gate = gate or ProviderGate(asyncio.Semaphore(4), clock=time.clock)
    async with httpx.AsyncClient(transport=transport) as http:
        return await send_with_retries(
            lambda: http.get(URL), policy or RetryPolicy(), gate, time.sleep, on_attempt
        )


async def test_first_answer_that_is_not_retryable_is_returned():
    transport, seen = scripted(404)
    result = await run(transport)
    assert result.response.status_code == 404
    assert (result.gave_up, result.attempts, len(seen)) == (None, 1, 1)


async def test_5xx_and_timeouts_back_off_then_succeed():
    time = FakeTime()
    transport, seen = scripted(503, httpx.ReadTimeout("slow"), 200)
    result = await run(transport, RetryPolicy(attempts=3, backoff_s=0.2), time)
    assert result.response.status_code == 200
    assert result.attempts == 3
    assert time.slept == [0.2, 0.4]


async def test_gives_up_as_failed_after_the_bounded_retries():
    time = FakeTime()
    transport, seen = scripted(500, 502, httpx.ConnectError("refused"))
    result = await run(transport, RetryPolicy(attempts=3, backoff_s=0.1, max_backoff_s=0.15), time)
    assert result.response is None
    assert result.gave_up == FAILED
    assert len(seen) == 3
    assert time.slept == [0.1, 0.15]
    assert "ConnectError" in result.error


async def test_429_waits_as_long_as_retry_after_says():
    time = FakeTime()
    transport, seen = scripted((429, {"Retry-After": "2"}), 200)
    result = await run(transport, RetryPolicy(max_retry_after_s=5), time)
    assert result.response.status_code == 200
    assert time.slept == [2.0]


async def test_429_that_keeps_coming_gives_up_as_rate_limited():
    transport, seen = scripted((429, {"Retry-After": "1"}), (429, {}), (429, {"Retry-After": "1"}))
    result = await run(transport, RetryPolicy(attempts=3))
    assert result.gave_up == RATE_LIMITED
    assert len(seen) == 3


async def test_retry_after_longer_than_we_wait_gives_up_at_once():
    time = FakeTime()
    transport, seen = scripted((429, {"Retry-After": "120"}))
    result = await run(transport, RetryPolicy(attempts=6, max_retry_after_s=5), time)
    assert (result.gave_up, len(seen), time.slept) == (RATE_LIMITED, 1, [])


async def test_a_cooling_down_provider_is_not_called_by_the_next_lookup_either():
    time = FakeTime()
    gate = ProviderGate(asyncio.Semaphore(4), clock=time.clock)
    first, _ = scripted((429, {"Retry-After": "60"}))
    await run(first, RetryPolicy(max_retry_after_s=5), time, gate)
    second, seen = scripted(200)
    result = await run(second, RetryPolicy(max_retry_after_s=5), time, gate)
    assert (result.gave_up, result.attempts, seen) == (RATE_LIMITED, 0, [])
    time.now += 61
    result = await run(second, RetryPolicy(max_retry_after_s=5), time, gate)
    assert result.response.status_code == 200


async def test_in_flight_requests_are_bounded_by_the_gate():
    in_flight, peak = 0, 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return httpx.Response(200)

    gate = ProviderGate(asyncio.Semaphore(3))
    async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http:
        await asyncio.gather(
            *(send_with_retries(lambda: http.get(URL), RetryPolicy(), gate) for _ in range(10))
        )
    assert peak == 3


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("7", 7.0), (" 0 ", 0.0), ("Wed, 25 Nov 2026 12:00:30 GMT", 30.0), ("soon", None)],
)
def test_retry_after_parses_seconds_and_http_dates(value, seconds):
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
    response = httpx.Response(429, headers={"Retry-After": value})
    assert retry_after_s(response, now) == seconds


def test_no_retry_after_header_is_none():
    assert retry_after_s(httpx.Response(429)) is None


def test_backoff_doubles_up_to_its_cap_with_bounded_jitter():
    policy = RetryPolicy(backoff_s=0.5, max_backoff_s=3, jitter=0.2)
    assert [policy.delay(n, rng=lambda: 0.0) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]
    assert policy.delay(1, rng=lambda: 1.0) == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7.0), ("0", 0.0), ("soon", None), (None, None)],
)
def test_retry_after_in_seconds(header, seconds):
    headers = {"Retry-After": header} if header is not None else {}
    assert retry_after_s(httpx.Response(429, headers=headers)) == seconds


def test_retry_after_as_an_http_date():
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 < retry_after_s(httpx.Response(429, headers={"Retry-After": when})) <= 30


def test_retry_after_clamps_a_past_date_and_a_negative_delay_to_zero():
    past = format_datetime(datetime.now(UTC) - timedelta(seconds=30), usegmt=True)
    assert retry_after_s(httpx.Response(429, headers={"Retry-After": past})) == 0.0
    assert retry_after_s(httpx.Response(429, headers={"Retry-After": "-3"})) == 0.0


async def test_without_a_gate_a_429_sleeps_its_own_retry_after():
    time = FakeTime()
    transport, seen = scripted((429, {"Retry-After": "0"}), (429, {"Retry-After": "3"}), 200)
    result = await run(transport, RetryPolicy(attempts=3), time, gated=False)
    assert result.response.status_code == 200
    assert time.slept == [0.0, 3.0]


async def test_jittered_backoff_stays_within_its_bound():
    time = FakeTime()
    transport, seen = scripted(503, 503, 200)
    policy = RetryPolicy(attempts=3, backoff_s=0.5, max_backoff_s=4, jitter=0.25)
    result = await run(transport, policy, time, gated=False)
    assert result.attempts == 3
    assert 0.5 <= time.slept[0] <= 0.625 and 1.0 <= time.slept[1] <= 1.25


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ((503, 502, 500), "HTTP 500 after 3 attempts"),
        ((httpx.ReadTimeout("slow"),) * 3, "timed out (ReadTimeout) after 3 attempts"),
        ((httpx.ConnectError("refused"),) * 3, "unreachable (ConnectError) after 3 attempts"),
        (((429, {}),) * 3, "rate limited (HTTP 429) after 3 attempts"),
        (
            ((429, {"Retry-After": "3600"}),),
            "rate limited (HTTP 429), Retry-After 3600s is too long",
        ),
    ],
)
async def test_the_reason_it_gave_up_names_the_last_failure(script, reason):
    transport, seen = scripted(*script)
    result = await run(transport, RetryPolicy(attempts=3, max_retry_after_s=60), gated=False)
    assert (result.response, result.error) == (None, reason)


async def test_every_attempt_reports_its_outcome():
    outcomes: list[str] = []
    transport, _ = scripted(
        503, httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), (429, {}), 404
    )
    result = await run(transport, RetryPolicy(attempts=5), on_attempt=outcomes.append)
    assert result.response.status_code == 404
    assert outcomes == ["server_error", "timeout", "error", "rate_limited", "error"]

"""Bounded retries of one provider request: backoff on 5xx and timeouts, Retry-After on 429.

Shared by every provider adapter so they all give up the same way: a provider that keeps
failing costs a prospect a few hundred milliseconds, never a blocked partition. The
concurrency limiter is held only while a request is on the wire, not while backing off,
so a sleeping retry does not starve other prospects of a slot.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]

FAILED = "failed"
RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 2
    """Extra attempts after the first, for 5xx, transport errors, timeouts and 429."""
    backoff_s: float = 0.2
    """First backoff; doubles per attempt up to ``max_backoff_s``."""
    max_backoff_s: float = 2.0
    max_retry_after_s: float = 5.0
    """Longest Retry-After waited in line; a longer one gives up as rate_limited at once."""


@dataclass(frozen=True)
class Attempted:
    """The final response (any status that is not retried), or why we gave up."""

    response: httpx.Response | None
    gave_up: str | None  # FAILED or RATE_LIMITED when response is None
    attempts: int
    latency_ms: float
    error: str | None = None


def retry_after_s(response: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds a 429 asks us to wait: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class ProviderGate:
    """Per-provider bound on in-flight requests plus the provider's 429 cool-down, so one
    Retry-After holds back every request of this replica to that provider, not just one."""

    def __init__(self, limiter: asyncio.Semaphore, clock: Clock = time.monotonic) -> None:
        self.limiter = limiter
        self.clock = clock
        self.blocked_until = 0.0

    def cooling_down_for(self) -> float:
        return max(0.0, self.blocked_until - self.clock())

    def block_for(self, seconds: float) -> None:
        self.blocked_until = max(self.blocked_until, self.clock() + seconds)


@dataclass(frozen=True)
class _Try:
    response: httpx.Response | None  # final: not retried
    failure: str = FAILED
    error: str | None = None
    delay: float = 0.0  # before the next attempt


async def _try_once(
    send: Callable[[], Awaitable[httpx.Response]], gate: ProviderGate, backoff: float
) -> _Try:
    try:
        async with gate.limiter:
            response = await send()
    except httpx.HTTPError as exc:  # timeouts, refused/reset connections, bad encodings
        return _Try(None, FAILED, repr(exc), backoff)
    if response.status_code == 429:
        asked = retry_after_s(response)
        delay = backoff if asked is None else asked
        gate.block_for(delay)  # every request of this replica to the provider waits it out
        return _Try(None, RATE_LIMITED, "HTTP 429", delay)
    if response.status_code >= 500:
        return _Try(None, FAILED, f"HTTP {response.status_code}", backoff)
    return _Try(response)


async def send_with_retries(
    send: Callable[[], Awaitable[httpx.Response]],
    policy: RetryPolicy,
    gate: ProviderGate,
    sleep: Sleep = asyncio.sleep,
) -> Attempted:
    started = time.perf_counter()

    def done(
        attempts: int,
        response: httpx.Response | None = None,
        kind: str | None = None,
        error: str | None = None,
    ) -> Attempted:
        latency = (time.perf_counter() - started) * 1000
        return Attempted(response, kind, attempts, latency, error)

    backoff, attempt = policy.backoff_s, 0
    while True:
        wait = gate.cooling_down_for()
        if wait > policy.max_retry_after_s:
            return done(attempt, kind=RATE_LIMITED, error=f"cooling down {wait:.1f}s")
        if wait:
            await sleep(wait)
        attempt += 1
        outcome = await _try_once(send, gate, backoff)
        if outcome.response is not None:
            return done(attempt, outcome.response)
        if attempt > policy.retries or outcome.delay > policy.max_retry_after_s:
            return done(attempt, kind=outcome.failure, error=outcome.error)
        if outcome.failure == FAILED:
            await sleep(outcome.delay)  # a 429's wait happens through the gate, above
        backoff = min(backoff * 2, policy.max_backoff_s)

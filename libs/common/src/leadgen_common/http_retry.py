"""Bounded retries of one request to an outside API (a platform, a provider).

Timeouts, transport errors and 5xx back off exponentially (with optional jitter, so
replicas that failed together do not retry together); a 429 waits what its
``Retry-After`` says, in seconds or as an HTTP date. A wait longer than the policy allows
gives up at once instead of blocking: callers turn "gave up" into their own outcome (a
failed platform, a failed lookup), never into a stuck partition.

An optional :class:`ProviderGate` bounds the requests in flight to one API and shares a
429's cool-down, so one Retry-After holds back every request of this replica to that API,
not just the one that got it. The limiter is held only while a request is on the wire,
never while backing off, so a sleeping retry does not starve others of a slot.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]
Send = Callable[[], Awaitable[httpx.Response]]
#: Told the outcome of every attempt: ok, error, timeout, rate_limited or server_error.
OnAttempt = Callable[[str], None]

FAILED = "failed"
RATE_LIMITED = "rate_limited"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    """Every attempt, the first included, for 5xx, transport errors, timeouts and 429."""
    backoff_s: float = 0.2
    """First backoff; doubles per attempt up to ``max_backoff_s``."""
    max_backoff_s: float = 2.0
    max_retry_after_s: float = 5.0
    """Longest wait in line; a 429 (or a cool-down) asking for longer gives up at once."""
    jitter: float = 0.0
    """Each backoff is stretched by up to this fraction, at random."""

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        base = min(self.backoff_s * 2 ** (attempt - 1), self.max_backoff_s)
        return base * (1 + self.jitter * rng()) if self.jitter else base


@dataclass(frozen=True)
class Attempted:
    """The final response (any status that is not retried), or why we gave up."""

    response: httpx.Response | None
    gave_up: str | None  # FAILED or RATE_LIMITED when response is None
    attempts: int
    latency_ms: float
    error: str | None = None  # how it gave up, e.g. "HTTP 503 after 3 attempts"


def retry_after_s(response: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds a 429 asks us to wait: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class ProviderGate:
    """Per-API bound on in-flight requests plus the API's 429 cool-down."""

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
    outcome: str  # the metric label of this attempt
    response: httpx.Response | None = None  # final: not retried
    failure: str = ""  # what went wrong, for the give-up reason
    retry_after: float | None = None  # a 429's own wait, if it said one


async def _try_once(send: Send, gate: ProviderGate | None) -> _Try:
    try:
        if gate is None:
            response = await send()
        else:
            async with gate.limiter:
                response = await send()
    except httpx.TimeoutException as exc:
        return _Try("timeout", failure=f"timed out ({type(exc).__name__})")
    except httpx.TransportError as exc:
        return _Try("error", failure=f"unreachable ({type(exc).__name__})")
    except httpx.HTTPError as exc:  # a body that does not decode, too many redirects
        return _Try("error", failure=f"unreadable answer ({type(exc).__name__})")
    status = response.status_code
    if status == 429:
        asked = retry_after_s(response)
        return _Try(RATE_LIMITED, failure="rate limited (HTTP 429)", retry_after=asked)
    if status >= 500:
        return _Try("server_error", failure=f"HTTP {status}")
    return _Try("ok" if status < 400 else "error", response)


async def send_with_retries(
    send: Send,
    policy: RetryPolicy,
    gate: ProviderGate | None = None,
    sleep: Sleep = asyncio.sleep,
    on_attempt: OnAttempt | None = None,
) -> Attempted:
    """The first response that is not 429 or 5xx (the caller judges other statuses), or
    why it gave up; never raises for the API's trouble."""
    started = time.perf_counter()

    def done(
        attempts: int,
        response: httpx.Response | None,
        kind: str | None = None,
        error: str | None = None,
    ) -> Attempted:
        latency = (time.perf_counter() - started) * 1000
        return Attempted(response, kind, attempts, latency, error)

    for attempt in range(1, policy.attempts + 1):
        if gate is not None:
            wait = gate.cooling_down_for()
            if wait > policy.max_retry_after_s:
                return done(attempt - 1, None, RATE_LIMITED, f"cooling down {wait:.1f}s")
            if wait:
                await sleep(wait)
        tried = await _try_once(send, gate)
        if on_attempt is not None:
            on_attempt(tried.outcome)
        if tried.response is not None:
            return done(attempt, tried.response)
        kind = RATE_LIMITED if tried.outcome == RATE_LIMITED else FAILED
        asked = tried.retry_after
        delay = policy.delay(attempt) if asked is None else asked
        if kind == RATE_LIMITED and gate is not None:
            gate.block_for(delay)  # every request of this replica to the API waits it out
        if delay > policy.max_retry_after_s:
            what = "backoff" if asked is None else "Retry-After"
            return done(attempt, None, kind, f"{tried.failure}, {what} {delay:.0f}s is too long")
        if attempt == policy.attempts:
            return done(attempt, None, kind, f"{tried.failure} after {attempt} attempts")
        if kind == FAILED or gate is None:
            await sleep(delay)  # a gated 429's wait happens through the gate, above
    return done(0, None, FAILED, "no attempt")

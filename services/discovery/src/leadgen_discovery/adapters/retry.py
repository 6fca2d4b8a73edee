"""Retrying one platform request: exponential backoff with jitter on timeouts, transport
errors and 5xx; a 429 waits what its ``Retry-After`` says. Past the budget it gives up
with a reason, which fails that platform for the campaign (the others go on).

Discovery pages in the background, so waiting out a rate limit is cheap: it blocks one
campaign's loop, never a Kafka partition.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from .. import metrics

Sleep = Callable[[float], Awaitable[None]]


class GaveUp(Exception):
    """Every attempt failed; the message says how the last one did."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5
    backoff_s: float = 0.5  # first delay; doubles per attempt
    max_backoff_s: float = 10.0
    max_retry_after_s: float = 120.0  # a 429 asking for longer gives up at once
    jitter: float = 0.25  # each delay is stretched by up to this fraction, at random

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        base = min(self.backoff_s * 2 ** (attempt - 1), self.max_backoff_s)
        return base * (1 + self.jitter * rng())


def retry_after(response: httpx.Response) -> float | None:
    """A 429's wait in seconds: ``Retry-After`` as seconds or as an HTTP date."""
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
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


async def send(
    request: Callable[[], Awaitable[httpx.Response]],
    policy: RetryPolicy,
    *,
    platform: str,
    operation: str,
    sleep: Sleep = asyncio.sleep,
) -> httpx.Response:
    """The first response that is not 429 or 5xx (the caller judges other statuses)."""
    calls = metrics.PLATFORM_API_CALLS
    failure = "no attempt"
    for attempt in range(1, policy.attempts + 1):
        try:
            response = await request()
        except httpx.TimeoutException as exc:
            failure, outcome, wait = f"timed out ({type(exc).__name__})", "timeout", None
        except httpx.TransportError as exc:
            failure, outcome, wait = f"unreachable ({type(exc).__name__})", "error", None
        else:
            status = response.status_code
            if status != 429 and status < 500:
                calls.labels(platform, operation, "ok" if status < 400 else "error").inc()
                return response
            if status == 429:
                failure, outcome, wait = (
                    "rate limited (HTTP 429)",
                    "rate_limited",
                    retry_after(response),
                )
                if wait is not None and wait > policy.max_retry_after_s:
                    calls.labels(platform, operation, outcome).inc()
                    raise GaveUp(f"{failure}, Retry-After {wait:.0f}s is too long")
            else:
                failure, outcome, wait = f"HTTP {status}", "server_error", None
        calls.labels(platform, operation, outcome).inc()
        if attempt < policy.attempts:
            await sleep(policy.delay(attempt) if wait is None else wait)
    raise GaveUp(f"{failure} after {policy.attempts} attempts")

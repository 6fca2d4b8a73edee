"""One platform's HTTP calls, the way every discovery adapter makes them.

Each attempt first takes a token from the shared Redis limiter bucket of its
``platform:operation`` (waiting, without blocking other campaigns, until one is free),
then goes out on the platform's pooled ``httpx.AsyncClient``. Timeouts, transport errors
and 5xx back off exponentially with jitter; a 429 waits its ``Retry-After``, and the
:class:`~leadgen_common.http_retry.ProviderGate` makes every request of this replica to
the platform wait it out with it. Every wait for the limiter or a 429 is told to the
campaign's :class:`~leadgen_discovery.ports.WaitReporter` (``rateLimitedUntil``), and
every attempt counts in ``platform_api_calls_total``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
from leadgen_common.contracts import Platform
from leadgen_common.http_retry import (
    RATE_LIMITED,
    Clock,
    ProviderGate,
    RetryPolicy,
    Sleep,
    send_with_retries,
)
from leadgen_common.ratelimit import RateLimitedUntil

from .. import metrics
from ..ports import Limiter, PlatformUnavailable, WaitReporter

Request = Callable[[], Awaitable[httpx.Response]]
#: The gate only shares a 429's cool-down between this replica's requests to a platform:
#: the client's connection pool bounds requests in flight, while a tight semaphore here
#: would be held across limiter waits.
_UNBOUNDED = 1_000_000


class NoWaits:
    """A reporter for calls no campaign waits on (e.g. fetching an OAuth token)."""

    async def rate_limited(self, until: datetime) -> None:
        return None


NO_WAITS = NoWaits()


def pooled_client(timeout_s: float, max_connections: int) -> httpx.AsyncClient:
    """The one client of a platform: pooled keep-alive connections, bounded."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
    )


class PlatformApi:
    def __init__(
        self,
        platform: Platform,
        http: httpx.AsyncClient,
        *,
        limiter: Limiter,
        policy: RetryPolicy,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        self.platform = platform
        self.http = http
        self.limiter = limiter
        self.policy = policy
        self.gate = ProviderGate(asyncio.Semaphore(_UNBOUNDED), clock)
        self.sleep = sleep

    async def call(
        self,
        operation: str,
        request: Request,
        waits: WaitReporter = NO_WAITS,
        *,
        limited: bool = True,
    ) -> httpx.Response:
        """The first answer that is neither a 429 nor a 5xx (the caller judges its
        status); raises PlatformUnavailable once the retry budget is spent. ``limited``
        False skips the limiter (an OAuth token request is no quota'd API call)."""
        name = self.platform.value
        bucket = f"{name}:{operation}"
        last: list[str] = []

        async def on_limiter_wait(wait: RateLimitedUntil) -> None:
            await waits.rate_limited(wait.until)

        async def send() -> httpx.Response:
            if limited:
                await self.limiter.acquire(bucket, on_wait=on_limiter_wait)
            return await request()

        def on_attempt(outcome: str) -> None:
            last.append(outcome)
            metrics.PLATFORM_API_CALLS.labels(name, operation, outcome).inc()

        async def sleep(seconds: float) -> None:
            # Before the first attempt (the gate's cool-down) or after a 429 this is a
            # rate-limit wait; after a timeout or a 5xx it is a backoff, not shown.
            if not last or last[-1] == RATE_LIMITED:
                await waits.rate_limited(datetime.now(UTC) + timedelta(seconds=seconds))
            await self.sleep(seconds)

        attempted = await send_with_retries(
            send, self.policy, gate=self.gate, sleep=sleep, on_attempt=on_attempt
        )
        if attempted.response is None:
            raise PlatformUnavailable(f"{name} {operation}: {attempted.error}")
        return attempted.response


def error_message(response: httpx.Response, *paths: tuple[str | int, ...]) -> str:
    """A short reason from an error body: the first of ``paths`` (keys and list indexes
    into the JSON) that holds a string; empty when the body is not JSON or has none."""
    try:
        body = response.json()
    except ValueError:
        return ""
    for path in paths or (("message",),):
        value = body
        for key in path:
            if isinstance(value, dict) and isinstance(key, str):
                value = value.get(key)
            elif isinstance(value, list) and isinstance(key, int) and key < len(value):
                value = value[key]
            else:
                value = None
        if isinstance(value, str):
            return value[:200]
    return ""


def refused(platform: Platform, operation: str, response: httpx.Response, reason: str) -> str:
    """The failure reason of an answer that is not worth retrying."""
    return f"{platform.value} {operation} refused: HTTP {response.status_code} {reason}".strip()

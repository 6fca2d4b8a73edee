"""The limiter every replica of every service shares through Redis.

    limiter = RateLimiter(redis_client, RateLimitSettings().limit_table())
    await limiter.acquire("linkedin:search", on_wait=show_rate_limited_until)
    decision = await limiter.try_acquire("clearbit:enrich")   # never waits

A call takes a token from its bucket and from every cap above it in one Lua script, using the
Redis server's clock. ``acquire`` sleeps exactly until the next token (plus a little jitter so
waiters do not wake in a herd) and asks again: one script call per wake-up, never a busy loop.
"""

from __future__ import annotations

import asyncio
import inspect
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.asyncio import Redis

from .limits import LimitTable
from .metrics import RATE_LIMIT_DECISIONS, RATE_LIMIT_TOKENS_REMAINING, RATE_LIMIT_WAIT_SECONDS
from .script import LuaScript

_SCRIPT = LuaScript("sliding_window.lua")
_US = 1_000_000


@dataclass(frozen=True)
class Decision:
    """One answer of the limiter; ``remaining`` is what the whole chain admits now."""

    allowed: bool
    retry_after_s: float  # 0 when allowed
    remaining: int
    limited_by: str | None  # the bucket (the one asked for, or a cap) that denied
    server_time: datetime  # the Redis server's clock when it decided


@dataclass(frozen=True)
class RateLimitedUntil:
    """Told to ``on_wait`` before each sleep: the bucket has no token before ``until``."""

    bucket: str
    limited_by: str
    until: datetime  # server clock, UTC
    retry_after_s: float

    @property
    def platform(self) -> str:
        return self.bucket.split(":", 1)[0]


@dataclass(frozen=True)
class Acquired:
    waited_s: float
    attempts: int  # script calls it took; 1 when a token was free
    rate_limited_until: datetime | None  # the last wait announced, None if it never waited


OnWait = Callable[[RateLimitedUntil], Awaitable[None] | None]


class RateLimitTimeoutError(TimeoutError):
    """No token for ``bucket`` could come before the caller's deadline."""

    def __init__(self, bucket: str, limited_by: str | None, retry_after_s: float, timeout: float):
        super().__init__(
            f"rate limit {limited_by or bucket!r}: next token for {bucket!r} in "
            f"{retry_after_s:.3f} s, beyond the {timeout:g} s timeout"
        )
        self.bucket = bucket
        self.limited_by = limited_by
        self.retry_after_s = retry_after_s


class RateLimiter:
    """Shared limits over one Redis; safe to use from many tasks at once."""

    def __init__(
        self,
        redis: Redis,
        limits: LimitTable,
        *,
        prefix: str = "ratelimit",
        on_wait: OnWait | None = None,
        max_jitter_s: float = 0.05,
    ) -> None:
        self._redis = redis
        self._limits = limits
        self._prefix = prefix
        self._on_wait = on_wait
        self._max_jitter_s = max_jitter_s

    async def try_acquire(self, bucket: str) -> Decision:
        """Take a token from ``bucket`` and its caps if all have one; never waits."""
        return await self._decide(bucket, take=True)

    async def remaining(self, bucket: str) -> int:
        """Calls ``bucket`` (and its caps) would admit now; takes nothing."""
        return (await self._decide(bucket, take=False)).remaining

    async def acquire(
        self,
        bucket: str,
        *,
        # not asyncio.timeout(): knowing when the next token comes, it fails without sleeping
        timeout: float | None = None,  # noqa: ASYNC109
        on_wait: OnWait | None = None,
    ) -> Acquired:
        """Wait for a token, however long it takes unless ``timeout`` (seconds) is given.

        With a timeout it raises ``RateLimitTimeoutError`` as soon as the next token is
        known to come after the deadline (taking nothing). ``on_wait`` (or the limiter's)
        hears about every wait, e.g. to show ``rateLimitedUntil`` for the platform.
        """
        loop = asyncio.get_running_loop()
        started = loop.time()
        announced: datetime | None = None
        attempts = 0
        while True:
            decision = await self._decide(bucket, take=True)
            attempts += 1
            if decision.allowed:
                waited = loop.time() - started
                RATE_LIMIT_WAIT_SECONDS.labels(bucket).observe(waited)
                return Acquired(waited, attempts, announced)
            if timeout is not None and loop.time() - started + decision.retry_after_s > timeout:
                raise RateLimitTimeoutError(
                    bucket, decision.limited_by, decision.retry_after_s, timeout
                )
            announced = await self._announce(bucket, decision, on_wait or self._on_wait)
            await asyncio.sleep(self._pause(decision.retry_after_s))

    async def _decide(self, bucket: str, *, take: bool) -> Decision:
        chain = self._limits.chain(bucket)
        root = chain[-1][0]  # one hash slot per chain, so the script also runs on a cluster
        keys: list[str] = []
        args: list[str | int | float] = ["take" if take else "peek", uuid.uuid4().hex]
        for name, limit in chain:
            base = f"{self._prefix}:{{{root}}}:{name}"
            keys += [f"{base}:log", f"{base}:pace"]
            args += [limit.limit, round(limit.window_s * _US), limit.burst or 0]
        allowed, wait_us, now_us, limiting, *remaining = await _SCRIPT(self._redis, keys, args)
        for (name, _), left in zip(chain, remaining, strict=True):
            RATE_LIMIT_TOKENS_REMAINING.labels(name).set(left)
        limited_by = chain[limiting - 1][0] if limiting else None
        if take:
            RATE_LIMIT_DECISIONS.labels(bucket, _outcome(bucket, bool(allowed), limited_by)).inc()
        return Decision(
            allowed=bool(allowed),
            retry_after_s=wait_us / _US,
            remaining=min(remaining),
            limited_by=limited_by,
            server_time=datetime.fromtimestamp(now_us / _US, UTC),
        )

    async def _announce(self, bucket: str, decision: Decision, hook: OnWait | None) -> datetime:
        until = decision.server_time.timestamp() + decision.retry_after_s
        event = RateLimitedUntil(
            bucket=bucket,
            limited_by=decision.limited_by or bucket,
            until=datetime.fromtimestamp(until, UTC),
            retry_after_s=decision.retry_after_s,
        )
        if hook is not None:
            result = hook(event)
            if inspect.isawaitable(result):
                await result
        return event.until

    def _pause(self, retry_after_s: float) -> float:
        # Jitter spreads waiters that were told the same instant; the bound keeps long waits
        # from growing by minutes.
        return retry_after_s + random.uniform(0, min(self._max_jitter_s, retry_after_s * 0.1))


def _outcome(bucket: str, allowed: bool, limited_by: str | None) -> str:
    if allowed:
        return "allowed"
    return "denied" if limited_by == bucket else "denied_by_cap"

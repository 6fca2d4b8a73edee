"""The per-principal API rate limit (API_RATE_LIMIT_PER_MINUTE requests in any rolling
minute per team and subject).

With a Redis URL every replica shares one sliding log per principal, decided atomically
on the Redis server's clock by the same Lua script as the platform limiter
(``leadgen_common.ratelimit``); keys are a hash of the principal, never its subject (which
may be an email). Without Redis, or while Redis does not answer, each replica limits on
its own (:class:`~leadgen_gateway.domain.rate_limit.LocalLimiter`): a Redis outage
weakens the limit to one per replica instead of failing every request.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from typing import Protocol

from leadgen_common.auth import Principal
from leadgen_common.ratelimit.script import LuaScript
from leadgen_common.unavailable import is_unavailable
from redis.asyncio import Redis
from redis.exceptions import RedisError

from ..domain.rate_limit import LocalLimiter, Verdict

logger = logging.getLogger(__name__)

WINDOW_S = 60.0
_US = 1_000_000
_SCRIPT = LuaScript("sliding_window.lua")


def principal_key(principal: Principal) -> str:
    """A stable, non-reversible name of the principal for Redis keys."""
    digest = hashlib.sha256(f"{principal.team_id}\x00{principal.subject}".encode()).hexdigest()
    return digest[:32]


class ApiRateLimit(Protocol):
    async def take(self, principal: Principal) -> Verdict: ...

    async def close(self) -> None: ...


class LocalRateLimit:
    """One replica's own limit."""

    def __init__(self, limit: int, window_s: float = WINDOW_S) -> None:
        self._limiter = LocalLimiter(limit, window_s)

    async def take(self, principal: Principal) -> Verdict:
        return self._limiter.take((principal.team_id, principal.subject), time.monotonic())

    async def close(self) -> None:
        return None


class RedisRateLimit:
    """Shared by every replica; falls back to a local limit while Redis is unreachable."""

    def __init__(
        self, redis: Redis, limit: int, window_s: float = WINDOW_S, prefix: str = "gateway:api"
    ) -> None:
        self._redis = redis
        self._limit = limit
        self._window_us = round(window_s * _US)
        self._prefix = prefix
        self._fallback = LocalRateLimit(limit, window_s)
        self._degraded = False

    async def take(self, principal: Principal) -> Verdict:
        base = f"{self._prefix}:{{{principal_key(principal)}}}"
        keys = [f"{base}:log", f"{base}:pace"]
        # mode, call id, then the one bucket: limit, window (us), burst (0: a pure log)
        args: list[str | int | float] = ["take", uuid.uuid4().hex, self._limit, self._window_us, 0]
        try:
            allowed, wait_us, *_ = await _SCRIPT(self._redis, keys, args)
        except (RedisError, OSError) as exc:
            if not is_unavailable(exc):
                raise
            if not self._degraded:
                logger.warning("API rate limit: Redis unavailable, limiting in this replica")
                self._degraded = True
            return await self._fallback.take(principal)
        if self._degraded:
            logger.info("API rate limit: Redis answers again")
            self._degraded = False
        return Verdict(bool(allowed), 0.0 if allowed else wait_us / _US)

    async def close(self) -> None:
        await self._redis.aclose()

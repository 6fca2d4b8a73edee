"""The Redis rate limiter under 64 concurrent callers (leadgen_common.ratelimit.bench's
``hammer``): decisions/s, and how many were admitted beyond the limit (must be 0), for a
single bucket and for a bucket under a cap (each decision spans two buckets)."""

from __future__ import annotations

import uuid
from typing import Any

from leadgen_common.ratelimit import RateLimiter
from leadgen_common.ratelimit.bench import BUCKET, bench_table, hammer
from redis.asyncio import Redis

CALLERS = 64


async def limiter_figures(redis_url: str, *, seconds: float, limit: int) -> dict[str, Any]:
    client = Redis.from_url(redis_url, max_connections=CALLERS)
    cases = {"bucket": (limit, None), "bucket_under_cap": (limit * 2, limit)}
    figures: dict[str, Any] = {"callers": CALLERS, "seconds": seconds}
    try:
        await client.ping()
        for name, (bucket_limit, cap) in cases.items():
            table = bench_table(bucket_limit, 3600.0, cap)
            limiter = RateLimiter(client, table, prefix=f"bench-{uuid.uuid4().hex[:8]}")
            result = await hammer(limiter, BUCKET, callers=CALLERS, seconds=seconds)
            allowed = cap if cap is not None else bucket_limit
            figures[name] = {
                "limit": allowed,
                "admitted": result.admitted,
                "denied": result.denied,
                "decisions_per_s": round(result.decisions_per_s),
                "over_admissions": max(0, result.admitted - allowed),
                "limit_reached": result.admitted + result.denied > allowed,
            }
    finally:
        await client.aclose()
    figures["decisions_per_s"] = figures["bucket"]["decisions_per_s"]
    figures["over_admissions"] = sum(
        figures[name]["over_admissions"] for name in ("bucket", "bucket_under_cap")
    )
    return figures

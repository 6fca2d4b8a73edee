"""The limiter against a real Valkey server (``leadgen_common.testing.valkey``).

One server for the module on a free loopback port, stopped by its pid at the end; every test
starts from an empty keyspace. Windows are short (a few seconds) so refill is observed
without sleeping for an hour.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
from leadgen_common.ratelimit import (
    BucketLimit,
    LimitTable,
    RateLimitedUntil,
    RateLimiter,
    RateLimitTimeoutError,
)
from leadgen_common.testing.valkey import running_valkey
from redis.asyncio import Redis

# -- a real server -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def valkey_url() -> Iterator[str]:
    with running_valkey() as url:
        yield url


@pytest.fixture
async def redis(valkey_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(valkey_url, max_connections=128)
    await client.flushall()
    await client.config_resetstat()
    try:
        yield client
    finally:
        await client.aclose()


def table(**buckets: BucketLimit) -> LimitTable:
    """``table(linkedin__search=...)`` configures ``linkedin:search``."""
    return LimitTable(buckets={name.replace("__", ":"): b for name, b in buckets.items()})


async def script_calls(client: Redis) -> int:
    stats = await client.info("commandstats")
    return sum(stats.get(f"cmdstat_{cmd}", {}).get("calls", 0) for cmd in ("evalsha", "eval"))


async def server_now(client: Redis) -> float:
    seconds, micros = await client.time()
    return seconds + micros / 1e6


# -- exactly N, across processes -----------------------------------------------------------


def _run_workers(url: str, prefix: str, limit: int, *, cap_limit: int | None = None) -> list[dict]:
    """Two OS processes, 32 callers each, start together and hammer one bucket for 1.5 s."""
    start_at = time.time() + 2.0  # both processes connected and waiting by then
    argv = [sys.executable, "-m", "leadgen_common.ratelimit.bench", "--redis-url", url]
    argv += ["--callers", "32", "--seconds", "1.5", "--limit", str(limit), "--window-s", "60"]
    argv += ["--prefix", prefix, "--start-at", str(start_at)]
    if cap_limit is not None:
        argv += ["--cap-limit", str(cap_limit)]
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        outputs = [proc.communicate(timeout=60)[0] for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert [proc.returncode for proc in procs] == [0, 0]
    return [json.loads(out) for out in outputs]


@pytest.mark.parametrize("limit", [1, 50, 777])
async def test_64_callers_in_2_processes_admit_exactly_n(
    redis: Redis, valkey_url: str, limit: int
) -> None:
    results = await asyncio.to_thread(_run_workers, valkey_url, "t", limit)
    assert sum(r["admitted"] for r in results) == limit
    assert all(r["denied"] > 0 for r in results)  # both processes really competed
    assert await redis.zcard("t:{bench:calls}:bench:calls:log") == limit


async def test_two_processes_under_a_tighter_cap_admit_exactly_the_cap(
    redis: Redis, valkey_url: str
) -> None:
    results = await asyncio.to_thread(_run_workers, valkey_url, "t", 500, cap_limit=120)
    assert sum(r["admitted"] for r in results) == 120
    assert await redis.zcard("t:{bench}:bench:calls:log") == 120
    assert await redis.zcard("t:{bench}:bench:log") == 120


# -- refill, pacing, nesting -----------------------------------------------------------------


async def test_refill_after_a_short_window(redis: Redis) -> None:
    limiter = RateLimiter(redis, table(api__op=BucketLimit(limit=5, window_s=2)))
    assert [(await limiter.try_acquire("api:op")).allowed for _ in range(5)] == [True] * 5
    denied = await limiter.try_acquire("api:op")
    assert not denied.allowed and denied.remaining == 0 and denied.limited_by == "api:op"
    assert 0 < denied.retry_after_s <= 2.0

    await asyncio.sleep(1.0)  # half a window: nothing has aged out yet
    half = await limiter.try_acquire("api:op")
    assert not half.allowed and half.retry_after_s <= denied.retry_after_s - 0.9

    # A whole window after the last admission, however slowly the five were made (the
    # machine is shared): every one has aged out.
    await asyncio.sleep(2.05)
    assert await limiter.remaining("api:op") == 5
    assert [(await limiter.try_acquire("api:op")).allowed for _ in range(6)] == [True] * 5 + [False]


async def test_sliding_window_frees_calls_in_the_order_they_were_made(redis: Redis) -> None:
    # Gaps of a second, so scheduling delays on a shared machine cannot reorder the ages.
    limiter = RateLimiter(redis, table(api__op=BucketLimit(limit=3, window_s=3.0)))
    await limiter.try_acquire("api:op")
    await asyncio.sleep(1.0)
    await limiter.try_acquire("api:op")
    await limiter.try_acquire("api:op")
    first = await limiter.try_acquire("api:op")
    # The first call ages out first: at most 2 s away; the later two would be ~3 s away.
    assert not first.allowed and 0 < first.retry_after_s <= 2.0
    await asyncio.sleep(first.retry_after_s)
    assert (await limiter.try_acquire("api:op")).allowed
    second = await limiter.try_acquire("api:op")
    assert not second.allowed and 0 < second.retry_after_s <= 1.0  # then the next two


async def test_burst_paces_calls_within_the_window(redis: Redis) -> None:
    # 10 per 2 s with a burst of 2: two at once, then one every 0.2 s
    limiter = RateLimiter(redis, table(api__op=BucketLimit(limit=10, window_s=2, burst=2)))
    assert await limiter.remaining("api:op") == 2
    assert (await limiter.try_acquire("api:op")).allowed
    assert (await limiter.try_acquire("api:op")).allowed
    paced = await limiter.try_acquire("api:op")
    assert not paced.allowed and 0.05 < paced.retry_after_s <= 0.2
    await asyncio.sleep(paced.retry_after_s)
    assert (await limiter.try_acquire("api:op")).allowed
    assert not (await limiter.try_acquire("api:op")).allowed
    assert await redis.zcard("ratelimit:{api:op}:api:op:log") == 3


def nested(op_limit: int, cap_limit: int) -> LimitTable:
    return table(
        linkedin=BucketLimit(limit=cap_limit, window_s=30),
        linkedin__search=BucketLimit(limit=op_limit, window_s=30, parent="linkedin"),
        linkedin__profile=BucketLimit(limit=op_limit, window_s=30, parent="linkedin"),
    )


async def test_the_cap_wins_and_a_denied_cap_takes_nothing(redis: Redis) -> None:
    limiter = RateLimiter(redis, nested(op_limit=10, cap_limit=3))
    assert (await limiter.try_acquire("linkedin:search")).allowed
    assert (await limiter.try_acquire("linkedin:search")).allowed
    assert (await limiter.try_acquire("linkedin:profile")).allowed  # siblings share the cap
    for bucket in ("linkedin:search", "linkedin:profile", "linkedin:search"):
        denied = await limiter.try_acquire(bucket)
        assert not denied.allowed and denied.limited_by == "linkedin"
    assert await redis.zcard("ratelimit:{linkedin}:linkedin:search:log") == 2
    assert await redis.zcard("ratelimit:{linkedin}:linkedin:profile:log") == 1
    assert await redis.zcard("ratelimit:{linkedin}:linkedin:log") == 3


async def test_a_denied_operation_takes_nothing_from_the_cap(redis: Redis) -> None:
    limiter = RateLimiter(redis, nested(op_limit=2, cap_limit=10))
    results = [(await limiter.try_acquire("linkedin:search")).allowed for _ in range(4)]
    assert results == [True, True, False, False]
    assert await redis.zcard("ratelimit:{linkedin}:linkedin:log") == 2
    assert await limiter.remaining("linkedin:profile") == 2  # min(own 2, cap 10 - 2)
    assert (await limiter.try_acquire("linkedin:profile")).allowed


async def test_shrinking_a_limit_waits_for_enough_calls_to_age_out(redis: Redis) -> None:
    wide = RateLimiter(redis, table(api__op=BucketLimit(limit=4, window_s=2)))
    for _ in range(4):
        assert (await wide.try_acquire("api:op")).allowed
    narrow = RateLimiter(redis, table(api__op=BucketLimit(limit=2, window_s=2)))
    denied = await narrow.try_acquire("api:op")
    assert not denied.allowed and denied.remaining == 0 and denied.retry_after_s > 1.5


# -- server time ---------------------------------------------------------------------------


@pytest.mark.parametrize("skew_s", [-3600.0, 7200.0])
async def test_client_clock_skew_changes_nothing(
    redis: Redis, monkeypatch: pytest.MonkeyPatch, skew_s: float
) -> None:
    limiter = RateLimiter(redis, table(api__op=BucketLimit(limit=2, window_s=2)))
    assert (await limiter.try_acquire("api:op")).allowed
    assert (await limiter.try_acquire("api:op")).allowed

    real_time, real_time_ns = time.time, time.time_ns
    monkeypatch.setattr(time, "time", lambda: real_time() + skew_s)
    monkeypatch.setattr(time, "time_ns", lambda: real_time_ns() + int(skew_s * 1e9))
    skewed = await limiter.try_acquire("api:op")
    monkeypatch.undo()

    assert not skewed.allowed and 1.0 < skewed.retry_after_s <= 2.0
    assert abs(skewed.server_time.timestamp() - await server_now(redis)) < 0.5


# -- waiting -------------------------------------------------------------------------------


async def test_acquire_sleeps_until_the_next_token_without_polling(redis: Redis) -> None:
    heard: list[RateLimitedUntil] = []
    limiter = RateLimiter(redis, table(linkedin__search=BucketLimit(limit=2, window_s=1.5)))
    assert (await limiter.acquire("linkedin:search")).attempts == 1
    await limiter.acquire("linkedin:search")
    before = await script_calls(redis)
    server_before = await server_now(redis)

    got = await limiter.acquire("linkedin:search", on_wait=heard.append)

    assert 1.2 < got.waited_s < 2.5
    assert got.attempts <= 3
    assert await script_calls(redis) - before <= 3  # a busy loop would make thousands
    assert heard and heard[0].platform == "linkedin" and heard[0].limited_by == "linkedin:search"
    assert got.rate_limited_until == heard[-1].until
    assert abs(heard[0].until.timestamp() - (server_before + heard[0].retry_after_s)) < 0.2


async def test_many_waiters_are_served_a_window_at_a_time(redis: Redis) -> None:
    limiter = RateLimiter(redis, table(api__op=BucketLimit(limit=4, window_s=1)))
    loop = asyncio.get_running_loop()
    started = loop.time()
    done = await asyncio.gather(*(limiter.acquire("api:op") for _ in range(12)))
    elapsed = loop.time() - started
    waits = sorted(a.waited_s for a in done)
    assert all(w < 0.5 for w in waits[:4])  # the window's four tokens at once
    assert all(0.9 < w < 1.9 for w in waits[4:8])  # four more when those age out
    assert all(w > 1.8 for w in waits[8:])  # and the last four a window later
    assert elapsed < 4.0
    assert await script_calls(redis) <= 12 * 4


async def test_async_on_wait_hook_and_limiter_default_hook(redis: Redis) -> None:
    heard: list[tuple[str, datetime]] = []

    async def publish(event: RateLimitedUntil) -> None:
        heard.append((event.platform, event.until))

    limiter = RateLimiter(
        redis, table(facebook__audience=BucketLimit(limit=1, window_s=0.5)), on_wait=publish
    )
    first = await limiter.acquire("facebook:audience")
    assert first.rate_limited_until is None and heard == []
    second = await limiter.acquire("facebook:audience")
    assert heard and heard[0][0] == "facebook" and heard[0][1].tzinfo is UTC
    assert second.rate_limited_until == heard[-1][1]


async def test_timeout_raises_early_and_takes_nothing(redis: Redis) -> None:
    limiter = RateLimiter(redis, table(api__op=BucketLimit(limit=1, window_s=5)))
    await limiter.acquire("api:op")
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(
        RateLimitTimeoutError, match=r"for 'api:op' in [45]\.\d+ s, beyond the 0.5 s"
    ) as caught:
        await limiter.acquire("api:op", timeout=0.5)
    assert loop.time() - started < 0.45  # it knew the token comes after the deadline
    assert caught.value.limited_by == "api:op" and caught.value.retry_after_s > 4.5
    assert await redis.zcard("ratelimit:{api:op}:api:op:log") == 1


async def test_timeout_long_enough_waits_and_succeeds(redis: Redis) -> None:
    limiter = RateLimiter(redis, table(api__op=BucketLimit(limit=1, window_s=0.4)))
    await limiter.acquire("api:op")
    got = await limiter.acquire("api:op", timeout=2)
    assert 0.25 < got.waited_s < 1.9


# -- script loading and metrics --------------------------------------------------------------


async def test_a_flushed_script_cache_is_reloaded(redis: Redis) -> None:
    limiter = RateLimiter(redis, table(api__op=BucketLimit(limit=3, window_s=10)))
    assert (await limiter.try_acquire("api:op")).allowed
    await redis.script_flush()
    assert (await limiter.try_acquire("api:op")).allowed
    assert await limiter.remaining("api:op") == 1


async def test_metrics_count_decisions_waits_and_remaining(redis: Redis) -> None:
    from prometheus_client import REGISTRY

    def sample(metric: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(metric, labels) or 0.0

    bucket = "metrics:op"
    limits = table(
        metrics=BucketLimit(limit=2, window_s=0.5),
        metrics__op=BucketLimit(limit=5, window_s=0.5, parent="metrics"),
    )
    limiter = RateLimiter(redis, limits)
    await limiter.try_acquire(bucket)
    assert sample("rate_limit_tokens_remaining", bucket=bucket) == 4  # each bucket its own
    assert sample("rate_limit_tokens_remaining", bucket="metrics") == 1
    await limiter.acquire(bucket)
    await limiter.acquire(bucket)  # waits for the cap
    assert sample("rate_limit_decisions_total", bucket=bucket, outcome="allowed") == 3
    assert sample("rate_limit_decisions_total", bucket=bucket, outcome="denied_by_cap") >= 1
    assert sample("rate_limit_decisions_total", bucket=bucket, outcome="denied") == 0
    assert sample("rate_limit_wait_seconds_count", bucket=bucket) == 2
    assert sample("rate_limit_wait_seconds_sum", bucket=bucket) > 0.3

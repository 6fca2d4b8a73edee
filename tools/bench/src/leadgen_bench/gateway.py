"""Gateway latency under a fixed offered load: an open-loop generator on loopback.

Request i is due at ``start + i / rate`` whether or not earlier ones have answered (a
closed loop would slow down with the server and hide its latency), and its latency is
counted from that due moment, so a generator running late shows as latency too. The
load is bounded: ``rate * seconds`` requests, at most ``MAX_IN_FLIGHT`` at once (more
are counted as dropped), each with a timeout.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import httpx

from .stats import latency_ms

MAX_IN_FLIGHT = 1000
TIMEOUT_S = 10.0


async def offered_load(
    base_url: str, token: str, campaign_id: str, *, rate: float, seconds: float
) -> dict[str, Any]:
    """Alternately GET the campaign's status and its first page of 50 prospects."""
    routes = {
        "campaign_status": f"/api/v1/prospecting/campaigns/{campaign_id}",
        "prospects": f"/api/v1/prospecting/campaigns/{campaign_id}/prospects?limit=50",
    }
    names = list(routes)
    latencies: dict[str, list[float]] = {name: [] for name in names}
    statuses: Counter[str] = Counter()
    dropped = 0
    total = int(rate * seconds)
    limits = httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=200)
    async with httpx.AsyncClient(
        base_url=base_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=TIMEOUT_S,
        limits=limits,
    ) as client:
        await client.get(routes["campaign_status"])  # connect before the clock starts
        in_flight: set[asyncio.Task[None]] = set()

        async def one(name: str, due: float) -> None:
            try:
                response = await client.get(routes[name])
                statuses[str(response.status_code)] += 1
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] += 1
                return
            latencies[name].append(time.perf_counter() - due)

        start = time.perf_counter()
        for i in range(total):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if len(in_flight) >= MAX_IN_FLIGHT:
                dropped += 1
                continue
            task = asyncio.create_task(one(names[i % len(names)], due))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        await asyncio.gather(*in_flight)
        elapsed = time.perf_counter() - start
    every = [value for values in latencies.values() for value in values]
    return {
        "offered_per_s": rate,
        "seconds": seconds,
        "requests": total,
        "answered_per_s": round(sum(statuses.values()) / elapsed, 1),
        "dropped": dropped,
        # Latencies are of the answered requests: a timeout or a drop shows here instead.
        "ok_share": round(statuses.get("200", 0) / total, 4) if total else None,
        "statuses": dict(statuses),
        **latency_ms(every),
        "routes": {name: latency_ms(values) for name, values in latencies.items()},
    }

"""The pipeline itself: one campaign through the running stack, timed from what the stack
records (no clock of the bench's own in the path).

For each prospect: the ``occurred_at`` of its prospect.discovered (discovery published
it), prospect.enriched (enrichment done) and prospect.scored (scoring done), read back
from the topics, and lead-writer's ``counted_scored_at`` (the scored event projected)
and its lead's ``created_at`` from Postgres. A stage's latency is the time from the
event it consumes to the event it publishes (waiting in the topic included); its
throughput is the sustained rate of its completions (between the 10th and 90th
percentile moments, so ramp-up and tail do not count).
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime
from typing import Any

import asyncpg
import psutil
from leadgen_common.testing.e2e import Api, read_topic

from .stack import Stack
from .stats import latency_ms, sustained_rate

PLATFORMS = ("linkedin", "facebook", "twitter")
STAGES = (
    ("discovery", "discovered", None),
    ("enrichment", "enriched", "discovered"),
    ("scoring", "scored", "enriched"),
    ("lead_writer", "stored", "scored"),
)
TOPICS = {
    "discovered": "prospect.discovered",
    "enriched": "prospect.enriched",
    "scored": "prospect.scored",
}


def _at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


async def run_campaign(
    stack: Stack, prospects: int, *, timeout_s: float, team: str = "bench"
) -> dict[str, Any]:
    """Start a campaign of ``prospects`` for the sample ICP on every platform, wait for
    it to finish (sampling each service's RSS meanwhile), then time every stage."""
    api = Api(stack.env["GATEWAY_URL"], stack.token(team))
    processes = stack.service_processes()
    rss: dict[str, list[tuple[int, int]]] = {name: [] for name in processes}
    try:
        started = time.time()
        campaign_id = await api.start_campaign(prospects, platforms=PLATFORMS, name="bench")
        deadline = time.monotonic() + timeout_s
        scored = 0
        while True:
            _sample_rss(processes, rss, scored)
            campaign = await api.campaign(campaign_id)
            scored = campaign["progress"]["scored"]
            if campaign["status"] != "running":
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"campaign not done in {timeout_s:.0f} s: {campaign}")
            await asyncio.sleep(1.0)
        finished = time.time()
        _sample_rss(processes, rss, scored)
    finally:
        await api.close()
    if campaign["status"] != "completed":
        raise RuntimeError(f"the bench campaign ended {campaign['status']}: {campaign}")
    moments, sample_body = await _moments(stack, campaign_id)
    result = _figures(moments, started, finished)
    result["campaign"] = {"id": campaign_id, "progress": campaign["progress"]}
    result["memory"] = _memory(rss, scored)
    result["sample_body"] = sample_body  # for the no-op chain: the same message size
    return result


def _sample_rss(
    processes: dict[str, psutil.Process], rss: dict[str, list[tuple[int, int]]], scored: int
) -> None:
    for name, process in processes.items():
        try:
            rss[name].append((scored, process.memory_info().rss))
        except psutil.Error:
            pass


def _memory(rss: dict[str, list[tuple[int, int]]], total: int) -> dict[str, dict[str, float]]:
    """Per service, in MiB: RSS when the campaign started, once 10% and 50% of its
    prospects were scored, its peak and at the end. Flat memory: the 10%, 50% and end
    figures agree (the start is before the first model run and connection pools)."""
    mib = 2**20

    def at(samples: list[tuple[int, int]], share: float) -> float:
        value = next((r for done, r in samples if done >= share * total), samples[-1][1])
        return round(value / mib, 1)

    memory = {}
    for name, samples in rss.items():
        if not samples:
            continue
        figures = {
            "start_mib": round(samples[0][1] / mib, 1),
            "at_10pct_mib": at(samples, 0.1),
            "at_50pct_mib": at(samples, 0.5),
            "peak_mib": round(max(r for _, r in samples) / mib, 1),
            "end_mib": round(samples[-1][1] / mib, 1),
        }
        figures["growth_after_10pct_mib"] = round(figures["end_mib"] - figures["at_10pct_mib"], 1)
        memory[name] = figures
    return memory


async def _moments(stack: Stack, campaign_id: str) -> tuple[dict[str, dict[str, float]], bytes]:
    """stage -> prospect id -> when that stage was done with it (Unix seconds)."""
    moments: dict[str, dict[str, float]] = {}
    sample_body = b""
    bootstrap = stack.env["KAFKA_BOOTSTRAP_SERVERS"]
    for stage, topic in TOPICS.items():
        seen: dict[str, float] = {}
        for record in await read_topic(bootstrap, topic):
            event = json.loads(record.value)
            if event.get("campaign_id") != campaign_id:
                continue
            # A redelivery republishes under the same id: the first one counts.
            prospect = event["payload"]["prospect_id"]
            seen.setdefault(prospect, _at(event["occurred_at"]))
            if stage == "enriched" and not sample_body:
                sample_body = record.value
        moments[stage] = seen
    conn = await asyncpg.connect(stack.env["DATABASE_ADMIN_URL"].replace("+asyncpg", ""))
    try:
        rows = await conn.fetch(
            "select prospect_id, counted_scored_at from campaign_prospects "
            "where campaign_id = $1 and counted_scored_at is not null",
            campaign_id,
        )
        moments["stored"] = {
            str(r["prospect_id"]): r["counted_scored_at"].timestamp() for r in rows
        }
        rows = await conn.fetch(
            "select prospect_id, created_at from leads where campaign_id = $1", campaign_id
        )
        moments["lead"] = {str(r["prospect_id"]): r["created_at"].timestamp() for r in rows}
    finally:
        await conn.close()
    return moments, sample_body


def _figures(moments: dict[str, dict[str, float]], started: float, finished: float) -> dict:
    discovered = moments["discovered"]
    stored = moments["stored"]
    stages: dict[str, Any] = {}
    for name, done, consumed in STAGES:
        times = moments[done]
        figures: dict[str, Any] = {
            "count": len(times),
            "sustained_per_s": sustained_rate(list(times.values())),
        }
        if consumed is not None:
            before = moments[consumed]
            figures["latency"] = latency_ms([times[p] - before[p] for p in times if p in before])
        stages[name] = figures
    last = max(stored.values(), default=finished)
    wall = last - started
    return {
        "prospects": len(stored),
        "prospects_per_s": sustained_rate(list(stored.values())),
        "wall_s": round(wall, 1),
        "wall_prospects_per_s": round(len(stored) / wall, 2) if wall > 0 else None,
        "stages": stages,
        "discovered_to_stored": latency_ms(
            [stored[p] - discovered[p] for p in stored if p in discovered]
        ),
        "discovered_to_lead": latency_ms(
            [t - discovered[p] for p, t in moments["lead"].items() if p in discovered]
        ),
        "leads": len(moments["lead"]),
    }

"""Baseline (b) and the scoring figures: the local model on the very profile texts the
pipeline embedded (read back from prospect.enriched), in this process, nothing else."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import time
from collections.abc import Sequence
from typing import Any

from leadgen_common.contracts import Icp, ProspectProfile
from leadgen_common.samples import sample_icp_path
from leadgen_common.testing.e2e import read_topic
from leadgen_scoring.adapters.embedder_onnx import OnnxEmbedder
from leadgen_scoring.bench import domain_time_per_prospect
from leadgen_scoring.domain.texts import profile_text

BATCHES = (1, 16, 32, 64)


async def pipeline_profiles(bootstrap: str, campaign_id: str, most: int) -> list[ProspectProfile]:
    """The profiles of the campaign's prospect.enriched events (each person once)."""
    profiles: dict[str, ProspectProfile] = {}
    for record in await read_topic(bootstrap, "prospect.enriched"):
        event = json.loads(record.value)
        if event.get("campaign_id") == campaign_id:
            payload = event["payload"]
            profiles.setdefault(payload["prospect_id"], ProspectProfile(**payload["profile"]))
            if len(profiles) >= most:
                break
    return list(profiles.values())


def _rate(embedder: OnnxEmbedder, texts: Sequence[str], batch: int, seconds: float) -> float:
    """Texts/s of ``encode`` called with ``batch`` texts at a time (each text once per
    pass, so the figure is over the whole mix of lengths)."""
    embedder.batch_size = batch
    chunks = itertools.cycle([texts[i : i + batch] for i in range(0, len(texts), batch)])
    embedder.encode(texts[: min(batch, 4)])  # warm-up
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        chunk = next(chunks)
        embedder.encode(chunk)
        done += len(chunk)
    return round(done / elapsed, 1)


def embedder_figures(
    profiles: list[ProspectProfile], *, seconds: float, scoring_threads: int = 1
) -> dict[str, Any]:
    """Texts/s per batch size with scoring's thread setting and with every core; the
    baseline is the best of them. Also the texts' length, as the tokenizer sees them."""
    texts = [text for text in map(profile_text, profiles) if text]
    cores = os.cpu_count() or 1
    rates: dict[str, dict[str, float]] = {}
    tokens: list[int] = []
    for threads in dict.fromkeys((scoring_threads, cores)):  # once when they are equal
        embedder = OnnxEmbedder(threads=threads)
        if not tokens:
            tokens = [len(e.ids) for e in embedder.tokenizer.encode_batch(texts)]
        rates[str(threads)] = {str(b): _rate(embedder, texts, b, seconds) for b in BATCHES}
    best_threads, best_batch = max(
        ((t, b) for t, per in rates.items() for b in per), key=lambda tb: rates[tb[0]][tb[1]]
    )
    return {
        "texts": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
        "mean_tokens": round(sum(tokens) / len(tokens), 1),
        "per_s_by_threads_and_batch": rates,
        "best": {"threads": int(best_threads), "batch": int(best_batch)},
        "per_s": rates[best_threads][best_batch],
        "scoring_threads": scoring_threads,
    }


def scoring_figures(profiles: list[ProspectProfile], embedder: dict[str, Any]) -> dict[str, Any]:
    """The pure domain per prospect (cosines computed beforehand: the domain never
    embeds), and embeddings/s at batch 1/16/64 with scoring's threads."""
    icp = Icp.model_validate_json(sample_icp_path().read_text())
    model = OnnxEmbedder(threads=embedder["scoring_threads"])
    rules_only_us, with_semantics_us = domain_time_per_prospect(model, icp, profiles)
    rates = embedder["per_s_by_threads_and_batch"][str(embedder["scoring_threads"])]
    return {
        "prospects": len(profiles),
        "domain_ms_per_prospect": round(with_semantics_us / 1000, 4),
        "domain_rules_only_ms_per_prospect": round(rules_only_us / 1000, 4),
        "embeddings_per_s": {b: rates[b] for b in ("1", "16", "64")},
        "threads": embedder["scoring_threads"],
    }


def enrichment_figures(prospects: int) -> dict[str, Any]:
    """leadgen_enrichment.bench at sandbox latency 0: the real Enricher (Redis cache,
    budgets, limiter on a Valkey of its own) one prospect at a time, misses then hits."""
    from leadgen_enrichment.bench import run

    results = {f.cache: f for f in asyncio.run(run(prospects, [0]))}
    return {
        "prospects": prospects,
        "sandbox_latency_ms": 0,
        "hit_p50_ms": round(results["hit"].p50_ms, 3),
        "hit_p95_ms": round(results["hit"].p95_ms, 3),
        "miss_p50_ms": round(results["miss"].p50_ms, 3),
        "miss_p95_ms": round(results["miss"].p95_ms, 3),
    }

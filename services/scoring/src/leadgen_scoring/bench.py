"""Scoring's own benchmark (a command, not a test): how fast the local embedder turns
profile texts into vectors at batch sizes 1, 16 and 64, how long the pure scoring domain
takes per prospect, and how close the batched scoring path (embed, compare, score: what
the prospect.enriched handler does, without Kafka and the database) comes to the
embedder's raw batch throughput.

    uv run python -m leadgen_scoring.bench [--seconds 5] [--threads 1]

Profiles are synthetic and all different, so no text is served from a cache.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
import uuid
from collections.abc import Callable, Sequence

import numpy as np
from leadgen_common.contracts import CampaignOptions, Enrichment, Icp, ProspectProfile
from leadgen_common.samples import sample_icp_path

from .adapters.embedder_onnx import OnnxEmbedder
from .domain import Scorer
from .domain.texts import profile_text
from .semantics import SemanticScoring, ToCompare

_TITLES = (
    "VP of Engineering", "CTO", "Director of Engineering", "Head of Product", "Store Manager",
    "Registered Nurse", "Account Executive", "Data Analyst", "Engineering Manager", "CFO",
)  # fmt: skip
_INDUSTRIES = ("Computer Software", "Retail", "Hospital & Health Care", "Financial Services")
_PLACES = ("San Francisco, California, United States", "London, England, United Kingdom",
           "Toronto, Ontario, Canada", "Munich, Bavaria, Germany")  # fmt: skip
_THEMES = (
    "scaling the engineering team", "technical debt management", "DevOps automation",
    "security compliance", "inventory turnover", "patient care quality", "quarterly pipeline",
    "cloud cost reduction", "developer experience", "store footfall", "hiring engineers",
)  # fmt: skip
_SKILLS = ("Python", "Kubernetes", "Leadership", "SQL", "Merchandising", "Negotiation", "AWS")


def synthetic_profiles(n: int) -> list[ProspectProfile]:
    """``n`` different, realistic-length profiles (about 60-90 tokens of text each)."""
    profiles = []
    for i in range(n):
        title, industry = _TITLES[i % len(_TITLES)], _INDUSTRIES[i // 7 % len(_INDUSTRIES)]
        themes = [_THEMES[(i * k + k) % len(_THEMES)] for k in (1, 3, 5)]
        profiles.append(
            ProspectProfile(
                platform="linkedin",
                platform_profile_id=f"bench-{i}",
                profile_url=f"https://www.linkedin.com/in/bench-{i}",
                name=f"Person {i}",
                title=title,
                company_name=f"Company {i}",
                location=_PLACES[i % len(_PLACES)],
                industry=industry,
                summary=f"{title} at Company {i}, a {industry} business. I focus on "
                f"{themes[0]}, {themes[1]} and {themes[2]}; {i % 17 + 3} years in the field.",
                skills=list(_SKILLS[i % 3 : i % 3 + 3]),
                activity={"posts_last_30d": i % 12, "last_active_days": i % 40},
            )
        )
    return profiles


def _rate(work: Callable[[], int], seconds: float) -> float:
    """Items per second of repeated ``work()`` (which returns how many it did)."""
    work()  # warm-up: first runs allocate
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        done += work()
    return done / elapsed


def embedding_rates(
    embedder: OnnxEmbedder, texts: Sequence[str], seconds: float
) -> dict[int, float]:
    rates = {}
    for batch in (1, 16, 64):
        chunks = itertools.cycle([texts[i : i + batch] for i in range(0, len(texts), batch)])

        def run(chunks=chunks) -> int:
            chunk = next(chunks)
            embedder.encode(chunk)
            return len(chunk)

        rates[batch] = _rate(run, seconds)
    return rates


class _NoStore:
    """The batched path without the database: vectors are kept nowhere."""

    async def upsert_prospects(self, prospects) -> None:
        return None


def batched_path_rate(
    embedder: OnnxEmbedder, icp: Icp, profiles: list[ProspectProfile], seconds: float
) -> float:
    semantics = SemanticScoring(embedder, _NoStore())  # type: ignore[arg-type]
    scorer, options, enrichment = Scorer(), CampaignOptions(), Enrichment()
    campaign, team = uuid.uuid4(), uuid.uuid4()
    batches = itertools.cycle([profiles[i : i + 64] for i in range(0, len(profiles), 64)])

    def run() -> int:
        batch = next(batches)
        items = [ToCompare(team, campaign, uuid.uuid4(), p, icp) for p in batch]
        similarities = asyncio.run(semantics.compare(items))
        for profile, similarity in zip(batch, similarities, strict=True):
            scorer.score(icp, profile, enrichment, options, similarity)
        return len(batch)

    return _rate(run, seconds)


def domain_time_per_prospect(
    embedder: OnnxEmbedder, icp: Icp, profiles: list[ProspectProfile]
) -> tuple[float, float]:
    """Microseconds per prospect of the pure domain, without and with semantic rules
    (their cosines computed beforehand: the domain never embeds)."""
    semantics = SemanticScoring(embedder, _NoStore())  # type: ignore[arg-type]
    items = [ToCompare(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), p, icp) for p in profiles]
    similarities = asyncio.run(semantics.compare(items))
    scorer, options, enrichment = Scorer(), CampaignOptions(), Enrichment()
    for profile in profiles:  # warm the matchers' caches, as a running service has them
        scorer.score(icp, profile, enrichment, options)
    timings = []
    for with_similarity in (False, True):
        start = time.perf_counter()
        for profile, similarity in zip(profiles, similarities, strict=True):
            if with_similarity:
                scorer.score(icp, profile, enrichment, options, similarity)
            else:
                scorer.score(icp, profile, enrichment, options)
        timings.append((time.perf_counter() - start) / len(profiles) * 1e6)
    return timings[0], timings[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m leadgen_scoring.bench")
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="onnxruntime threads (0: all; the service's default EMBEDDER_THREADS is 1)",
    )
    args = parser.parse_args(argv)

    embedder = OnnxEmbedder(threads=args.threads)
    icp = Icp.model_validate_json(sample_icp_path().read_text())
    profiles = synthetic_profiles(2048)
    texts = [profile_text(p) for p in profiles]
    tokens = np.mean([len(embedder.tokenizer.encode(t).ids) for t in texts[:256]])
    print(f"embedder {embedder.model}: {embedder.dimension} dims, onnxruntime threads "
          f"{args.threads or 'all'}; profile texts of {tokens:.0f} tokens on average")  # fmt: skip
    rates = embedding_rates(embedder, texts, args.seconds)
    print("\n| batch | embeddings/s | ms per text |\n|---:|---:|---:|")
    for batch, rate in rates.items():
        print(f"| {batch} | {rate:.1f} | {1000 / rate:.1f} |")
    plain, blended = domain_time_per_prospect(embedder, icp, profiles[:512])
    print(f"\nscoring domain per prospect (no embedding): {plain:.0f} µs with the rules alone, "
          f"{blended:.0f} µs with the semantic rules")  # fmt: skip
    path = batched_path_rate(embedder, icp, profiles, args.seconds)
    print(f"batched scoring path (embed + compare + score, batch 64): {path:.1f} prospects/s "
          f"= {path / rates[64]:.0%} of the raw batch-64 embedding rate")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

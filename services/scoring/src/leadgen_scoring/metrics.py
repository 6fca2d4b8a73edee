"""Prometheus metrics of the scoring service (labels are bounded: never an id)."""

from leadgen_common.contracts.events import ScoreOutcome
from prometheus_client import Counter, Histogram

EMBEDDINGS = Counter(
    "leadgen_scoring_embeddings_total",
    "Texts embedded, by model and source (cache: served from memory; model: computed).",
    ["model", "source"],
)
BATCH_SIZE = Histogram(
    "leadgen_scoring_batch_size",
    "Prospects scored together in one handler call.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
EMBED_SECONDS = Histogram(
    "leadgen_scoring_embed_seconds",
    "Time to embed the profile texts of one batch (cache hits included).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ICP_MATCH_SCORE = Histogram(
    "leadgen_icp_match_score",
    "ICP match score of each prospect scored (0..1); the high-quality lead rate counts "
    "those at or above 0.75.",
    buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0),
)
PROSPECTS_SCORED = Counter(
    "leadgen_prospects_scored_total",
    "Prospects scored, by decision: qualified, review, rejected.",
    ["decision"],
)
for _decision in ScoreOutcome:  # every decision visible at 0
    PROSPECTS_SCORED.labels(_decision.value)


def observe_score(icp_match_score: float, decision: ScoreOutcome) -> None:
    """One prospect.scored published."""
    ICP_MATCH_SCORE.observe(icp_match_score)
    PROSPECTS_SCORED.labels(decision.value).inc()

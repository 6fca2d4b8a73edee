"""Prometheus metrics of the scoring service (labels are bounded: never an id)."""

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

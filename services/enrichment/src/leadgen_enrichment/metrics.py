"""Prometheus metrics of the enrichment stage (labels bounded: provider names, statuses)."""

from prometheus_client import Counter, Histogram

PROVIDER_CALLS = Counter(
    "leadgen_enrichment_provider_calls_total",
    "Provider calls (retries folded in), by outcome: success, failed, rate_limited, cached.",
    ["provider", "operation", "status"],
)
PROVIDER_COST = Counter(
    "leadgen_enrichment_provider_cost_total",
    "Cost of provider calls in the ledger currency.",
    ["provider", "operation"],
)
PROVIDER_SECONDS = Histogram(
    "leadgen_enrichment_provider_call_seconds",
    "Wall time of one provider call, retries and backoff included.",
    ["provider", "operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
PROSPECTS = Counter(
    "leadgen_enrichment_prospects_total",
    "Prospects that left the enrichment stage, by skip reason ('none' when enriched).",
    ["skipped"],
)

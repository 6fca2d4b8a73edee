"""Prometheus metrics of the enrichment stage (labels bounded: provider names, statuses)."""

from prometheus_client import Counter, Gauge, Histogram

from .domain.outcome import OUTCOMES

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
OUTCOMES_TOTAL = Counter(
    "leadgen_enrichment_outcomes_total",
    "Prospects that left the enrichment stage, by outcome: enriched, not_found, failed, "
    "skipped (domain/outcome.py says which is which).",
    ["outcome"],
)
for _outcome in OUTCOMES:  # every outcome visible at 0, so a rate over them is defined
    OUTCOMES_TOTAL.labels(_outcome)
DURATION = Histogram(
    "leadgen_enrichment_duration_seconds",
    "Wall time of one prospect through the waterfall (cache, budget and provider calls); "
    "prospects skipped before it are not observed.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
COST_BUDGET_PER_HOUR = Gauge(
    "leadgen_enrichment_cost_budget_per_hour",
    "COST_ALERT_PER_HOUR: the provider spend per hour (ledger currency) the cost alert "
    "compares rate(leadgen_enrichment_provider_cost_total[1h]) * 3600 against.",
)

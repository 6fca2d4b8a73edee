"""Limiter metrics (labels are bucket names from configuration, never ids)."""

from prometheus_client import Counter, Gauge, Histogram

RATE_LIMIT_WAIT_SECONDS = Histogram(
    "rate_limit_wait_seconds",
    "Time acquire() waited for a token, by the bucket asked for (0 when one was free).",
    ["bucket"],
    buckets=(0.0, 0.01, 0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600),
)
RATE_LIMIT_TOKENS_REMAINING = Gauge(
    "rate_limit_tokens_remaining",
    "Calls a bucket admits now, as of this process's latest decision on it.",
    ["bucket"],
)
RATE_LIMIT_DECISIONS = Counter(
    "rate_limit_decisions_total",
    "Limiter decisions: allowed, denied (by the bucket itself) or denied_by_cap.",
    ["bucket", "outcome"],
)

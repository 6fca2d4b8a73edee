"""Discovery's own Prometheus metrics (labels are bounded: platform, operation, outcome)."""

from prometheus_client import Counter, Gauge

PROSPECTS_DISCOVERED = Counter(
    "prospects_discovered_total", "prospect.discovered published, by platform.", ["platform"]
)
PLATFORM_API_CALLS = Counter(
    "platform_api_calls_total",
    "Requests to a platform API, by outcome (ok, retried_5xx, timeout, rate_limited, error).",
    ["platform", "operation", "outcome"],
)
CAMPAIGNS_PAGING = Gauge(
    "discovery_campaigns_paging", "Campaigns this replica holds the lease of and pages."
)

"""Discovery's own Prometheus metrics (labels are bounded: platform, operation, outcome)."""

from prometheus_client import Counter, Gauge

PROSPECTS_DISCOVERED = Counter(
    "prospects_discovered_total", "prospect.discovered published, by platform.", ["platform"]
)
PROSPECTS_SUPPRESSED = Counter(
    "prospects_suppressed_total",
    "People found but not published: their team's suppression list names them, by platform.",
    ["platform"],
)
PLATFORM_API_CALLS = Counter(
    "platform_api_calls_total",
    "Requests (attempts) to a platform API, by outcome: ok, rate_limited (429), "
    "server_error (5xx), timeout, error.",
    ["platform", "operation", "outcome"],
)
CAMPAIGNS_PAGING = Gauge(
    "discovery_campaigns_paging", "Campaigns this replica holds the lease of and pages."
)

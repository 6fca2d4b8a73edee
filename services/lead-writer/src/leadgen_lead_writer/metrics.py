"""lead-writer's own Prometheus metrics (labels bounded: never an id)."""

from prometheus_client import Counter

DUPLICATES = Counter(
    "leadgen_lead_writer_duplicates_total",
    "Events absorbed without effect: 'event_id' (redelivered), 'stage' (stage already counted).",
    ["topic", "kind"],
)
LEADS_CREATED = Counter(
    "leadgen_leads_created_total", "Leads created, by source (auto, review).", ["source"]
)
CAMPAIGNS_COMPLETED = Counter("leadgen_campaigns_completed_total", "Campaigns marked completed.")
OUTBOX_PUBLISHED = Counter(
    "leadgen_outbox_published_total", "Outbox rows published and marked by the relay."
)
RELAY_FAILURES = Counter(
    "leadgen_outbox_relay_failures_total",
    "Relay rounds that failed (broker or database) and were retried with backoff.",
)
ERASURES = Counter(
    "leadgen_prospects_erased_total",
    "Prospects erased: 'request' (prospect.erase), 'suppressed' (an event of a person their "
    "team's suppression list names).",
    ["reason"],
)

"""lead-writer's own Prometheus metrics (labels bounded: never an id)."""

from prometheus_client import Counter, Gauge, Histogram

DUPLICATES = Counter(
    "leadgen_lead_writer_duplicates_total",
    "Events absorbed without effect: 'event_id' (redelivered), 'stage' (stage already counted).",
    ["topic", "kind"],
)
LEADS_CREATED = Counter(
    "leadgen_leads_created_total", "Leads created, by source (auto, review).", ["source"]
)
CAMPAIGNS_COMPLETED = Counter("leadgen_campaigns_completed_total", "Campaigns marked completed.")
CAMPAIGN_SECONDS = Histogram(
    "leadgen_campaign_duration_seconds",
    "From a campaign's start (campaign.started) to lead-writer marking it completed.",
    buckets=(10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200, 86400),
)
OUTBOX_PUBLISHED = Counter(
    "leadgen_outbox_published_total", "Outbox rows published and marked by the relay."
)
OUTBOX_BACKLOG = Gauge(
    "leadgen_outbox_backlog",
    "Outbox rows not published yet (every replica reads the same table: use max).",
)
OUTBOX_OLDEST_AGE = Gauge(
    "leadgen_outbox_oldest_age_seconds",
    "Age of the oldest outbox row not published yet; 0 when there is none.",
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

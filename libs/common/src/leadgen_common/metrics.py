"""Prometheus metrics every service shares (labels are bounded: never an id)."""

from prometheus_client import Counter, Gauge, Histogram

MESSAGES_CONSUMED = Counter(
    "leadgen_messages_consumed_total",
    "Messages taken off a topic, by outcome (ok, dead_lettered, retried).",
    ["topic", "group", "outcome"],
)
DEAD_LETTERS = Counter(
    "leadgen_dead_letters_total", "Messages sent to <topic>.dlq, by reason.", ["topic", "reason"]
)
HANDLER_SECONDS = Histogram(
    "leadgen_handler_duration_seconds",
    "Time a subscriber spent on one message, retries included.",
    ["topic", "group"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
MESSAGES_PUBLISHED = Counter(
    "leadgen_messages_published_total", "Messages published, by topic.", ["topic"]
)

DEPENDENCY_WAITS = Counter(
    "leadgen_dependency_waits_total",
    "Handler runs that failed because a dependency (Postgres, Redis) was unreachable and "
    "were retried without counting against HANDLER_RETRIES.",
    ["topic", "group"],
)

HTTP_REQUESTS = Counter(
    "leadgen_http_requests_total",
    "HTTP requests answered, by method, route template ('unmatched' when no route matched) "
    "and status code; /metrics, /healthz and /readyz are not counted.",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "leadgen_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by method and route template.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BUILD_INFO = Gauge(
    "leadgen_build_info",
    "Always 1; the labels say which service runs which version of its package.",
    ["service", "version"],
)

CONSUMER_LAG = Gauge(
    "leadgen_consumer_lag",
    "Messages a consumer group has not committed yet, summed over the topic's partitions "
    "(from the beginning for a partition it never committed). Replicas of a service report "
    "the same group: aggregate with max by (group, topic).",
    ["group", "topic"],
)
CONSUMER_LAG_UPDATED = Gauge(
    "leadgen_consumer_lag_updated_timestamp_seconds",
    "Unix time leadgen_consumer_lag of this group and topic was last read successfully.",
    ["group", "topic"],
)

"""Prometheus metrics every service shares (labels are bounded: never an id)."""

from prometheus_client import Counter, Histogram

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

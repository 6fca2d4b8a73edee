"""Prometheus metrics of the webhooks service (labels are bounded: never an id or a URL)."""

from prometheus_client import Counter, Gauge, Histogram

DELIVERIES = Counter(
    "leadgen_webhook_deliveries_total",
    "Delivery attempts by outcome: delivered (2xx), retry (failed, tried again later), "
    "failed (the last attempt failed, or the endpoint is gone, paused or disabled), "
    "disabled (an endpoint disabled after repeated failed deliveries).",
    ["outcome"],
)
for _outcome in ("delivered", "retry", "failed", "disabled"):
    DELIVERIES.labels(_outcome)  # visible at 0 from the start
DELIVERY_SECONDS = Histogram(
    "leadgen_webhook_delivery_seconds",
    "Time of one attempt: resolving, connecting, sending and the receiver's answer.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
PENDING = Gauge(
    "leadgen_webhook_pending", "Deliveries waiting for their next attempt (every replica's)."
)

"""Publishing outbox rows on the service's Kafka producer, bytes as stored."""

from __future__ import annotations

from leadgen_common import metrics
from leadgen_common.kafka import EventBus

from ..relay import Publish
from .outbox import OutboxMessage


def kafka_publisher(bus: EventBus) -> Publish:
    async def publish(message: OutboxMessage) -> None:
        # Waits for the broker's acknowledgement (acks=all): only then may the row be marked.
        await bus.broker.publish(
            message.body,
            topic=message.topic,
            key=message.key.encode() if message.key is not None else None,
            headers=message.headers,
        )
        metrics.MESSAGES_PUBLISHED.labels(message.topic).inc()

    return publish

"""Publishing outbox rows on the service's Kafka producer, bytes as stored, continuing
the trace stored with each row."""

from __future__ import annotations

from leadgen_common.kafka import EventBus

from ..relay import Publish
from .outbox import OutboxMessage


def kafka_publisher(bus: EventBus) -> Publish:
    async def publish(message: OutboxMessage) -> None:
        # Waits for the broker's acknowledgement (acks=all): only then may the row be marked.
        await bus.publish_stored(
            message.topic,
            message.body,
            key=message.key.encode() if message.key is not None else None,
            event_id=message.event_id,
            headers=message.headers,
        )

    return publish

"""EventBus.subscribe_batch with FastStream's in-memory Kafka test broker: one handler
call per batch, and dead letters and retries that stay per message."""

from __future__ import annotations

import uuid

import pytest
from faststream import AckPolicy
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from leadgen_common.contracts import encode, envelope_for, team_id_for
from leadgen_common.contracts.events import ControlCampaign
from leadgen_common.kafka import EventBus
from leadgen_common.settings import ServiceSettings

TOPIC = "campaign.control"


def make_bus(retries: int = 2) -> EventBus:
    return EventBus(
        ServiceSettings(service_name="test", handler_retries=retries, handler_retry_backoff_s=0.01)
    )


def envelopes(n: int) -> list:
    return [
        envelope_for(
            ControlCampaign(campaign_id=uuid.uuid4(), action="pause", requested_by=f"u{i}"),
            team_id=team_id_for("t"),
            correlation_id=f"c{i}",
        )
        for i in range(n)
    ]


def capture_dlq(bus: EventBus) -> list:
    dead: list = []

    @bus.broker.subscriber(f"{TOPIC}.dlq", group_id="dlq-reader")
    async def _read(message: KafkaMessage) -> None:
        dead.append((message.body, message.headers))

    return dead


def subscribe(bus: EventBus, calls: list, fail_on: set | None = None, **options) -> None:
    @bus.subscribe_batch(
        TOPIC, group_id="g", ack_policy=AckPolicy.NACK_ON_ERROR, max_records=64, **options
    )
    async def handle(batch) -> None:
        calls.append([envelope.event_id for envelope in batch])
        if fail_on and any(envelope.event_id in fail_on for envelope in batch):
            raise RuntimeError("one of these is broken")


async def test_a_batch_reaches_the_handler_in_one_call():
    bus, calls = make_bus(), []
    subscribe(bus, calls)
    batch = envelopes(5)
    async with TestKafkaBroker(bus.broker):
        await bus.broker.publish_batch(*(encode(e) for e in batch), topic=TOPIC)
    assert calls == [[e.event_id for e in batch]]


async def test_a_single_message_is_a_batch_of_one():
    bus, calls = make_bus(), []
    subscribe(bus, calls)
    [envelope] = envelopes(1)
    async with TestKafkaBroker(bus.broker):
        await bus.publish(envelope)
    assert calls == [[envelope.event_id]]


async def test_poison_in_a_batch_is_dead_lettered_alone():
    bus, calls = make_bus(), []
    subscribe(bus, calls)
    dead = capture_dlq(bus)
    first, second = envelopes(2)
    bodies = [encode(first), b"{not json", encode(second)]
    async with TestKafkaBroker(bus.broker):
        await bus.broker.publish_batch(*bodies, topic=TOPIC)
    assert calls == [[first.event_id, second.event_id]]
    [(body, headers)] = dead
    assert body == b"{not json"
    assert headers["x-dlq-reason"] == "not_json"
    assert headers["x-original-topic"] == TOPIC


async def test_a_failing_batch_falls_back_to_one_message_at_a_time():
    bus, calls = make_bus(retries=1), []
    batch = envelopes(3)
    broken = batch[1]
    subscribe(bus, calls, fail_on={broken.event_id})
    dead = capture_dlq(bus)
    async with TestKafkaBroker(bus.broker):
        await bus.broker.publish_batch(*(encode(e) for e in batch), topic=TOPIC)
    ids = [e.event_id for e in batch]
    # The batch once, then each alone; the broken one with its retry.
    assert calls == [ids, [ids[0]], [ids[1]], [ids[1]], [ids[2]]]
    [(body, headers)] = dead
    assert body == encode(broken)
    assert headers["x-dlq-reason"] == "retries_exhausted"
    assert "one of these is broken" in headers["x-dlq-error"]


async def test_a_transient_batch_failure_is_retried_per_message():
    bus, calls = make_bus(retries=2), []
    failures = iter([True, True])  # the batch call and the first single call fail

    @bus.subscribe_batch(TOPIC, group_id="g", ack_policy=AckPolicy.NACK_ON_ERROR, max_records=8)
    async def flaky(batch) -> None:
        calls.append(len(batch))
        if next(failures, False):
            raise ConnectionError("database briefly down")

    dead = capture_dlq(bus)
    async with TestKafkaBroker(bus.broker):
        await bus.broker.publish_batch(*(encode(e) for e in envelopes(2)), topic=TOPIC)
    assert calls == [2, 1, 1, 1]
    assert dead == []


def test_batch_subscriptions_refuse_ack_first_and_empty_batches():
    bus = make_bus()
    with pytest.raises(ValueError, match="ACK_FIRST"):
        bus.subscribe_batch(TOPIC, group_id="g", ack_policy=AckPolicy.ACK_FIRST, max_records=8)
    with pytest.raises(ValueError, match="at least one"):
        bus.subscribe_batch(TOPIC, group_id="g", ack_policy=AckPolicy.NACK_ON_ERROR, max_records=0)

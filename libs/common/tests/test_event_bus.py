"""EventBus behaviour with FastStream's in-memory Kafka test broker."""

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


def control_envelope():
    payload = ControlCampaign(campaign_id=uuid.uuid4(), action="pause", requested_by="u")
    return envelope_for(payload, team_id=team_id_for("t"), correlation_id="c")


def capture_dlq(bus: EventBus) -> list:
    dead: list = []

    @bus.broker.subscriber(f"{TOPIC}.dlq", group_id="dlq-reader")
    async def _read(message: KafkaMessage) -> None:
        dead.append((message.body, message.headers))

    return dead


def test_ack_first_is_refused():
    with pytest.raises(ValueError, match="ACK_FIRST"):
        make_bus().subscribe(TOPIC, group_id="g", ack_policy=AckPolicy.ACK_FIRST)


async def test_valid_message_reaches_the_handler_as_an_envelope():
    bus, seen = make_bus(), []

    @bus.subscribe(TOPIC, group_id="g", ack_policy=AckPolicy.NACK_ON_ERROR)
    async def handle(envelope) -> None:
        seen.append(envelope)

    envelope = control_envelope()
    async with TestKafkaBroker(bus.broker):
        await bus.publish(envelope)
    assert seen == [envelope]


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b"\xff not json", "not_json"), (b'{"schema_version": 7}', "unknown_schema_version")],
)
async def test_poison_goes_to_the_dlq_with_reason_headers(body, reason):
    bus, seen = make_bus(), []

    @bus.subscribe(TOPIC, group_id="g", ack_policy=AckPolicy.NACK_ON_ERROR)
    async def handle(envelope) -> None:
        seen.append(envelope)

    dead = capture_dlq(bus)
    async with TestKafkaBroker(bus.broker):
        await bus.broker.publish(body, topic=TOPIC, key=b"k")
    assert seen == []
    [(dead_body, headers)] = dead
    assert dead_body == body
    assert headers["x-dlq-reason"] == reason
    assert headers["x-original-topic"] == TOPIC
    assert headers["x-dlq-service"] == "test"


async def test_transient_failure_is_retried_then_succeeds():
    bus, attempts = make_bus(retries=3), []

    @bus.subscribe(TOPIC, group_id="g", ack_policy=AckPolicy.NACK_ON_ERROR)
    async def flaky(envelope) -> None:
        attempts.append(envelope.event_id)
        if len(attempts) < 3:
            raise ConnectionError("database briefly down")

    dead = capture_dlq(bus)
    async with TestKafkaBroker(bus.broker):
        await bus.publish(control_envelope())
    assert len(attempts) == 3
    assert dead == []


async def test_exhausted_retries_dead_letter_instead_of_blocking():
    bus = make_bus(retries=1)

    @bus.subscribe(TOPIC, group_id="g", ack_policy=AckPolicy.NACK_ON_ERROR)
    async def broken(envelope) -> None:
        raise RuntimeError("always")

    dead = capture_dlq(bus)
    envelope = control_envelope()
    async with TestKafkaBroker(bus.broker):
        await bus.publish(envelope)
    [(body, headers)] = dead
    assert body == encode(envelope)
    assert headers["x-dlq-reason"] == "retries_exhausted"
    assert "always" in headers["x-dlq-error"]


async def test_an_unreachable_dependency_is_waited_for_past_the_retry_budget():
    """Postgres restarting is not the message's fault: more failures than HANDLER_RETRIES
    allows, all 'connection refused', still end in success and no dead letter."""
    bus, attempts = make_bus(retries=1), []

    @bus.subscribe(TOPIC, group_id="g", ack_policy=AckPolicy.NACK_ON_ERROR)
    async def database_restarting(envelope) -> None:
        attempts.append(envelope.event_id)
        if len(attempts) < 5:
            raise ConnectionRefusedError(111, "Connect call failed")

    dead = capture_dlq(bus)
    async with TestKafkaBroker(bus.broker):
        await bus.publish(control_envelope())
    assert len(attempts) == 5
    assert dead == []


async def test_a_wrapped_disconnect_counts_as_unavailable_but_a_bug_does_not():
    import asyncpg
    from leadgen_common.unavailable import is_unavailable
    from sqlalchemy.exc import DBAPIError, IntegrityError

    try:
        try:
            raise asyncpg.exceptions.AdminShutdownError("terminating connection")
        except Exception as inner:
            raise DBAPIError("stmt", {}, inner) from inner
    except DBAPIError as wrapped:
        assert is_unavailable(wrapped)
    assert not is_unavailable(IntegrityError("stmt", {}, Exception("duplicate key")))
    assert not is_unavailable(RuntimeError("always"))
    assert not is_unavailable(PermissionError("denied"))

"""Bad input at the consumer's door, on FastStream's in-memory Kafka test broker: every
kind of message no redelivery could fix is dead-lettered once, with headers naming why,
who and where from, and the subscriber takes the next message."""

from __future__ import annotations

import uuid

import pytest
from faststream import AckPolicy
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from leadgen_common.contracts import PoisonMessage, decode, encode, envelope_for, team_id_for
from leadgen_common.contracts.events import ControlCampaign
from leadgen_common.kafka import EventBus, EventTooLarge
from leadgen_common.settings import ServiceSettings

TOPIC = "campaign.control"


def make_bus(**settings) -> EventBus:
    return EventBus(
        ServiceSettings(
            service_name="test", handler_retries=1, handler_retry_backoff_s=0.01, **settings
        )
    )


def control(requested_by: str = "u") -> object:
    payload = ControlCampaign(campaign_id=uuid.uuid4(), action="pause", requested_by=requested_by)
    return envelope_for(payload, team_id=team_id_for("t"), correlation_id="c")


def valid_body() -> bytes:
    return encode(control())


def capture_dlq(bus: EventBus) -> list:
    dead: list = []

    @bus.broker.subscriber(f"{TOPIC}.dlq", group_id="dlq-reader")
    async def _read(message: KafkaMessage) -> None:
        dead.append((message.body, message.headers))

    return dead


#: Bodies no consumer can ever process, and the reason each is dead-lettered with.
POISON = {
    "empty": (b"", "not_json"),
    "not utf-8": (b"\xff\xfe{", "not_json"),
    "nested past the parser's depth": (b"[" * 100_000 + b"]" * 100_000, "not_json"),
    "a 5,000-digit number": (b'{"schema_version": ' + b"9" * 5000 + b"}", "not_json"),
    "NaN": (b'{"schema_version": NaN}', "not_json"),
    "a JSON array": (b"[1, 2]", "not_an_envelope"),
    "a NUL in a string": (
        valid_body().replace(b'"requested_by":"u"', b'"requested_by":"a\\u0000b"'),
        "contract_violation",
    ),
    "an unpaired surrogate": (
        valid_body().replace(b'"requested_by":"u"', b'"requested_by":"\\ud800"'),
        "contract_violation",
    ),
    "a surrogate in a key": (
        valid_body().replace(b'"requested_by":"u"', b'"requested_by":"u","\\udfff":1'),
        "contract_violation",
    ),
}


@pytest.mark.parametrize("case", sorted(POISON))
def test_decoding_turns_every_bad_body_into_poison(case):
    body, reason = POISON[case]
    with pytest.raises(PoisonMessage) as err:
        decode(TOPIC, body)
    assert err.value.reason == reason


@pytest.mark.parametrize("batch", [False, True], ids=["single", "batch"])
async def test_each_poison_is_dead_lettered_once_and_the_consumer_goes_on(batch):
    bus, seen = make_bus(), []
    subscribe = (
        bus.subscribe_batch(TOPIC, group_id="g", ack_policy=AckPolicy.NACK_ON_ERROR, max_records=8)
        if batch
        else bus.subscribe(TOPIC, group_id="g", ack_policy=AckPolicy.NACK_ON_ERROR)
    )

    @subscribe
    async def handle(envelopes) -> None:
        seen.extend(envelopes if batch else [envelopes])

    dead = capture_dlq(bus)
    after = control()
    async with TestKafkaBroker(bus.broker):
        for case in sorted(POISON):
            await bus.broker.publish(
                POISON[case][0], topic=TOPIC, key=case.encode(), headers={"traceparent": case}
            )
        await bus.publish(after)
    assert [e.event_id for e in seen] == [after.event_id]
    assert len(dead) == len(POISON)
    for (body, headers), case in zip(dead, sorted(POISON), strict=True):
        assert (body, headers["x-dlq-reason"]) == POISON[case], case
        assert headers["x-dlq-service"] == "test"
        assert headers["x-dlq-group"] == "g"
        assert headers["x-original-topic"] == TOPIC
        assert headers["traceparent"] == case  # the original's headers travel with it


async def test_a_message_over_max_event_bytes_is_dead_lettered_as_too_large():
    bus, seen = make_bus(max_event_bytes=4096), []

    @bus.subscribe(TOPIC, group_id="g", ack_policy=AckPolicy.NACK_ON_ERROR)
    async def handle(envelope) -> None:
        seen.append(envelope)

    dead = capture_dlq(bus)
    big = encode(control(requested_by="x" * 5000))  # valid, only too big
    async with TestKafkaBroker(bus.broker):
        await bus.broker.publish(big, topic=TOPIC, key=b"k")
    assert seen == []
    [(body, headers)] = dead
    assert body == big
    assert headers["x-dlq-reason"] == "too_large"
    assert f"{len(big)} bytes" in headers["x-dlq-error"]


async def test_a_dead_letter_too_big_to_publish_is_cut_to_fit_and_says_so():
    limit = 65_536
    bus = make_bus(kafka_max_request_bytes=limit, max_event_bytes=1024)

    @bus.subscribe(TOPIC, group_id="g", ack_policy=AckPolicy.NACK_ON_ERROR)
    async def handle(envelope) -> None:
        raise AssertionError("never reached")

    dead = capture_dlq(bus)
    huge = b"x" * (limit + 10)
    async with TestKafkaBroker(bus.broker):
        await bus.broker.publish(huge, topic=TOPIC, key=b"k")
    [(body, headers)] = dead
    assert headers["x-dlq-reason"] == "too_large"
    assert headers["x-dlq-truncated-from"] == str(len(huge))
    assert huge.startswith(body) and len(body) < limit - 1024


async def test_publishing_an_event_consumers_would_refuse_raises_event_too_large():
    bus = make_bus(max_event_bytes=2048)
    async with TestKafkaBroker(bus.broker):
        with pytest.raises(EventTooLarge) as err:
            await bus.publish(control(requested_by="x" * 4096))
        await bus.publish(control())  # a normal one still goes
    assert err.value.limit == 2048 and err.value.size > 2048

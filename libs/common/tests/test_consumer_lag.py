"""Consumer lag: the pure computation, then the exporter and the event bus against a real
tansu broker (FastStream's in-memory broker has no offsets to read)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream import AckPolicy
from leadgen_common.consumer_lag import ConsumerLagExporter, partition_lag, topic_lag
from leadgen_common.contracts import encode, envelope_for, message_key, team_id_for
from leadgen_common.contracts.events import ControlCampaign
from leadgen_common.kafka import EventBus
from leadgen_common.settings import ServiceSettings
from leadgen_devstack.ports import HOST, free_port
from prometheus_client import REGISTRY


# ---------------------------------------------------------------- the computation
@pytest.mark.parametrize(
    ("committed", "beginning", "end", "lag"),
    [
        (4, 0, 10, 6),
        (10, 0, 10, 0),
        (None, 0, 10, 10),  # never committed: all of it
        (-1, 3, 10, 7),  # never committed (OffsetFetch's -1): from the beginning offset
        (12, 0, 10, 0),  # tansu's end offset below the committed one: not negative
        (None, 0, 0, 0),
    ],
)
def test_partition_lag(committed, beginning, end, lag):
    assert partition_lag(committed, beginning, end) == lag


def test_topic_lag_sums_the_partitions_end_names():
    committed = {0: 4, 1: -1, 3: 99}  # partition 2 never committed; 3 is not in `end`
    beginning = {0: 0, 1: 2, 2: 0}
    end = {0: 10, 1: 5, 2: 3}
    assert topic_lag(committed, beginning, end) == 6 + 3 + 3


# ---------------------------------------------------------------- against tansu
def lag_gauge(group: str, topic: str) -> float | None:
    return REGISTRY.get_sample_value("leadgen_consumer_lag", {"group": group, "topic": topic})


async def new_topic(bootstrap: str, partitions: int = 3, name: str | None = None) -> str:
    topic = name or f"lag-test-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, partitions, replication_factor=1)])
    finally:
        await admin.close()
    return topic


async def produce(bootstrap: str, topic: str, values: list[bytes], keys: list[bytes]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for value, key in zip(values, keys, strict=True):
            await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def consume_and_commit(bootstrap: str, topic: str, group: str, count: int) -> None:
    """Take ``count`` records in ``group`` and commit past them."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=1000,  # tansu's join takes half of it
        heartbeat_interval_ms=300,
    )
    await consumer.start()
    try:
        taken = 0
        while taken < count:
            batch = await consumer.getmany(timeout_ms=5000, max_records=count - taken)
            assert batch, f"only {taken} of {count} records arrived"
            for tp, records in batch.items():
                await consumer.commit({tp: records[-1].offset + 1})
                taken += len(records)
    finally:
        await consumer.stop()


async def test_lag_is_what_the_group_has_not_committed(kafka_bootstrap):
    topic, group = await new_topic(kafka_bootstrap), f"lag-{uuid.uuid4().hex[:6]}"
    keys = [str(i).encode() for i in range(10)]
    await produce(kafka_bootstrap, topic, [b"x"] * 10, keys)
    await consume_and_commit(kafka_bootstrap, topic, group, 4)
    exporter = ConsumerLagExporter(
        kafka_bootstrap, [(group, topic), ("lag-never-joined", topic)], interval_s=60
    )
    try:
        before = time.time()
        lags = await exporter.read_once()
        assert lags == {(group, topic): 6, ("lag-never-joined", topic): 10}
        assert lag_gauge(group, topic) == 6
        updated = REGISTRY.get_sample_value(
            "leadgen_consumer_lag_updated_timestamp_seconds", {"group": group, "topic": topic}
        )
        assert updated is not None and updated >= before

        await consume_and_commit(kafka_bootstrap, topic, group, 6)
        assert (await exporter.read_once())[(group, topic)] == 0
        assert lag_gauge(group, topic) == 0
    finally:
        await exporter.stop()


async def test_an_unknown_topic_is_left_out(kafka_bootstrap):
    topic = await new_topic(kafka_bootstrap, partitions=1)
    exporter = ConsumerLagExporter(
        kafka_bootstrap, [("g", topic), ("g", "lag-no-such-topic")], interval_s=60
    )
    try:
        assert await exporter.read_once() == {("g", topic): 0}
    finally:
        await exporter.stop()
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        assert "lag-no-such-topic" not in await admin.list_topics()  # not auto-created
    finally:
        await admin.close()


async def test_the_event_bus_reports_the_lag_of_its_own_groups(kafka_bootstrap):
    """The bus starts the exporter for the (group, topic) pairs it subscribed; after it
    handled everything, the lag it reports is 0."""
    topic, group = "campaign.control", f"lag-bus-{uuid.uuid4().hex[:6]}"
    await new_topic(kafka_bootstrap, partitions=2, name=topic)
    envelopes = [
        envelope_for(
            ControlCampaign(campaign_id=uuid.uuid4(), action="pause", requested_by="u"),
            team_id=team_id_for("lag"),
            correlation_id="c",
        )
        for _ in range(5)
    ]
    await produce(
        kafka_bootstrap, topic, [encode(e) for e in envelopes], [message_key(e) for e in envelopes]
    )
    settings = ServiceSettings(
        service_name="lag-test",
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_session_timeout_ms=1000,
        kafka_heartbeat_interval_ms=300,
        lag_interval_s=0.1,
    )
    bus, seen = EventBus(settings), []

    @bus.subscribe(topic, group_id=group, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def handle(envelope) -> None:
        seen.append(envelope.event_id)

    assert bus.subscriptions == {(group, topic)}
    await bus.start()
    try:
        deadline = time.monotonic() + 20
        while not (len(seen) == 5 and lag_gauge(group, topic) == 0):
            assert time.monotonic() < deadline, (len(seen), lag_gauge(group, topic))
            await asyncio.sleep(0.05)
    finally:
        await bus.stop()
    assert bus._lag is None  # stopped with the bus


async def test_a_failing_read_is_logged_once_and_retried(caplog, tansu_on):
    """No broker: one warning however many intervals fail; once a broker answers on that
    address, the next interval reads the lag."""
    port = free_port()
    bootstrap = f"{HOST}:{port}"
    topic = "lag-late-broker"
    exporter = ConsumerLagExporter(bootstrap, [("g", topic)], interval_s=0.05)
    caplog.set_level(logging.INFO, logger="leadgen_common.consumer_lag")
    exporter.start()
    try:
        await asyncio.sleep(0.5)  # about ten failed intervals
        warnings = [r for r in caplog.records if r.name == "leadgen_common.consumer_lag"]
        assert [r.levelname for r in warnings] == ["WARNING"]

        with tansu_on(port):
            await new_topic(bootstrap, partitions=1, name=topic)
            deadline = time.monotonic() + 20
            while lag_gauge("g", topic) is None:
                assert time.monotonic() < deadline, "the exporter never read the lag"
                await asyncio.sleep(0.05)
            assert exporter._task is not None and not exporter._task.done()
            assert "reading consumer lag works again" in caplog.text
            await exporter.stop()
    finally:
        await exporter.stop()

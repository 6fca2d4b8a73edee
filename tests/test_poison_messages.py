"""Bad input on every consumed topic, through the real stack (issue 7, "Bad input,
everywhere"): poison published with a plain aiokafka producer onto every topic some
service consumes must land in ``<topic>.dlq`` once per consuming group, with headers
naming the reason, the service, the group and the original topic/partition/offset;
every consumer must commit past it, and a normal campaign must still complete.

Which (topic, service, group) consume is read from the running services' own
``/metrics`` (every subscriber's counter exists from the start), checked against the
subscribers the services' code registers, so a consumer added later is poisoned too."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from leadgen_common.contracts import encode, envelope_for, team_id_for
from leadgen_common.settings import ServiceSettings
from leadgen_common.testing.e2e import sample_payload, subscriptions
from leadgen_devstack.servers.services import SERVICES
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.stack

TEAM_ID = team_id_for("poison-tests")
POISON_HEADER = "x-test-poison"
CONSUMER_SERVICES = {"discovery", "enrichment", "scoring", "lead-writer"}
LARGE_BYTES = 900 * 1024
#: What every consumer may take (ServiceSettings defaults; the dev stack keeps them).
DEFAULTS = ServiceSettings()


# ---------------------------------------------------------------- the poison
def valid_raw(topic: str) -> dict[str, Any]:
    payload = sample_payload(topic, TEAM_ID, "poison")
    envelope = envelope_for(payload, team_id=TEAM_ID, correlation_id="poison")
    return json.loads(encode(envelope))


def _wrong_type(value: Any) -> Any:
    """A JSON value of another type than ``value``."""
    if isinstance(value, bool):
        return "maybe"
    if isinstance(value, int | float):
        return "a lot"
    if isinstance(value, str):
        return 12345
    if isinstance(value, list):
        return {"not": "a list"}
    if isinstance(value, dict):
        return [1, 2, 3]
    return 0


def poisons(topic: str) -> dict[str, tuple[bytes | None, str]]:
    """case -> (body, the reason every consumer must dead-letter it with)."""
    raw = valid_raw(topic)

    def body(**changes: Any) -> bytes:
        return json.dumps({**raw, **changes}).encode()

    other = "lead.created" if topic != "lead.created" else "prospect.erased"
    valid = json.dumps(raw).encode()
    assert b'"schema_version": 1' in valid
    return {
        "not_json": (b"\x00\xff this is not JSON {", "not_json"),
        "no_value": (None, "not_json"),  # a tombstone: key, no value
        "nested_too_deep": (b"[" * 50_000 + b"]" * 50_000, "not_json"),
        "huge_number": (
            valid.replace(b'"schema_version": 1', b'"schema_version": ' + b"9" * 5000),
            "not_json",
        ),
        "json_array": (b'["an", "array"]', "not_an_envelope"),
        "wrong_types": (
            body(
                team_id=12345,
                occurred_at=False,
                payload={k: _wrong_type(v) for k, v in raw["payload"].items()},
            ),
            "contract_violation",
        ),
        "missing_fields": (
            json.dumps({"event_type": topic, "schema_version": 1, "payload": {}}).encode(),
            "contract_violation",
        ),
        "unknown_schema_version": (body(schema_version=99), "unknown_schema_version"),
        "wrong_event_type": (body(event_type=other), "wrong_event_type"),
        "nul_in_text": (body(correlation_id="poison\u0000nul"), "contract_violation"),
        # A valid envelope padded with JSON whitespace to 900 KB: only its size is wrong.
        "900kb": (valid + b" " * (LARGE_BYTES - len(valid)), "too_large"),
    }


# ---------------------------------------------------------------- the stack
async def subscribers(stack: dict[str, str]) -> set[tuple[str, str, str]]:
    """(topic, service, group) of every subscriber of the running services."""
    found: set[tuple[str, str, str]] = set()
    async with httpx.AsyncClient(timeout=10) as client:
        for service in SERVICES:
            text = (await client.get(stack[f"{service.env_prefix}_METRICS_URL"])).text
            found |= {
                (sample.labels["topic"], service.name, sample.labels["group"])
                for family in text_string_to_metric_families(text)
                for sample in family.samples
                if sample.name == "leadgen_messages_consumed_total"
            }
    return found


async def read_dead_letters(
    bootstrap: str, topics: list[str], run: str, expected: int, within_s: float = 180
) -> list[ConsumerRecord]:
    """This run's records on the DLQs of ``topics``, read from the beginning by an
    independent consumer (no group) until ``expected`` are there, then to the end."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        max_partition_fetch_bytes=2 * DEFAULTS.kafka_max_request_bytes,
    )
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [
            TopicPartition(f"{topic}.dlq", p)
            for topic in topics
            for p in consumer.partitions_for_topic(f"{topic}.dlq") or ()
        ]
        assert {tp.topic for tp in partitions} == {f"{t}.dlq" for t in topics}
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ours: list[ConsumerRecord] = []

        async def take(timeout_ms: int) -> None:
            for batch in (await consumer.getmany(timeout_ms=timeout_ms)).values():
                ours.extend(r for r in batch if _poison_tag(r).startswith(run))

        deadline = time.monotonic() + within_s
        while len(ours) < expected and time.monotonic() < deadline:
            await take(500)
        ends = await consumer.end_offsets(partitions)  # and whatever else is there now
        while any([await consumer.position(tp) < ends[tp] for tp in partitions]):
            await take(500)
        return ours
    finally:
        await consumer.stop()


def _poison_tag(record: ConsumerRecord) -> str:
    return dict(record.headers).get(POISON_HEADER, b"").decode()


async def committed_offsets(bootstrap: str, group: str, partitions: list[TopicPartition]):
    """The group's committed offset per partition, asked without joining the group."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        return {tp: await consumer.committed(tp) for tp in partitions}
    finally:
        await consumer.stop()


def _pipeline_e2e() -> Any:
    """tests/test_pipeline_e2e.py as a helper module (its campaign runner and checks)."""
    path = Path(__file__).with_name("test_pipeline_e2e.py")
    spec = importlib.util.spec_from_file_location("_pipeline_e2e_helpers", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the test
async def test_poison_on_every_consumed_topic_is_dead_lettered_and_consumers_go_on(
    stack: dict[str, str],
    stack_home: Path,
    leadgen_cli: Callable[..., Any],
    mint_token: Callable[[str, str], str],
) -> None:
    bootstrap = stack["KAFKA_BOOTSTRAP_SERVERS"]
    consuming = await subscribers(stack)
    registered = subscriptions(stack, SERVICES)
    assert {service for _, service, _ in registered} >= CONSUMER_SERVICES, registered
    assert consuming >= registered, f"subscribers missing: {registered - consuming}"
    groups_of: dict[str, set[tuple[str, str]]] = {}
    for topic, service, group in consuming:
        groups_of.setdefault(topic, set()).add((service, group))
    topics = sorted(groups_of)
    run = uuid.uuid4().hex

    # Publish every poison on every consumed topic; note where each landed.
    sent: dict[tuple[str, str], tuple[bytes | None, str, int, int]] = {}
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", max_request_size=DEFAULTS.kafka_max_request_bytes
    )
    await producer.start()
    try:
        for topic in topics:
            for case, (value, reason) in poisons(topic).items():
                key = f"poison-{case}-{uuid.uuid4()}".encode()
                headers = [(POISON_HEADER, f"{run}:{topic}:{case}".encode())]
                meta = await producer.send_and_wait(topic, value, key=key, headers=headers)
                sent[(topic, case)] = (value, reason, meta.partition, meta.offset)
    finally:
        await producer.stop()
    cases = {case for _, case in sent}

    # Each lands in <topic>.dlq once per consuming group, with the headers naming it.
    expected = sum(len(groups_of[topic]) for topic, _ in sent)
    letters = await read_dead_letters(bootstrap, topics, run, expected)
    per_poison: dict[tuple[str, str], list[dict[str, str]]] = {}
    for letter in letters:
        _, topic, case = _poison_tag(letter).split(":", 2)
        headers = {k: v.decode() for k, v in letter.headers}
        value, reason, partition, offset = sent[(topic, case)]
        assert letter.topic == f"{topic}.dlq"
        assert letter.value == value or (value is None and letter.value in (None, b"")), case
        assert headers["x-dlq-reason"] == reason, (topic, case, headers)
        assert headers["x-dlq-error"], (topic, case)
        assert headers["x-original-topic"] == topic
        assert (headers["x-original-partition"], headers["x-original-offset"]) == (
            str(partition),
            str(offset),
        ), (topic, case)
        assert "x-dlq-at" in headers and "x-dlq-truncated-from" not in headers
        per_poison.setdefault((topic, case), []).append(headers)
    missing = {
        (topic, case, service, group)
        for (topic, case) in sent
        for service, group in groups_of[topic]
        if (service, group)
        not in {(h["x-dlq-service"], h["x-dlq-group"]) for h in per_poison.get((topic, case), [])}
    }
    assert not missing, f"never dead-lettered (topic, case, service, group): {sorted(missing)}"
    for (topic, case), headers in per_poison.items():
        by_group = Counter((h["x-dlq-service"], h["x-dlq-group"]) for h in headers)
        assert set(by_group) == groups_of[topic], (topic, case, by_group)
        assert set(by_group.values()) == {1}, f"dead-lettered twice: {topic} {case} {by_group}"
    print(
        f"\n{len(sent)} poison messages ({len(cases)} kinds) on {len(topics)} topics -> "
        f"{len(letters)} dead letters for {len(consuming)} subscribers; reasons "
        f"{dict(Counter(h['x-dlq-reason'] for hs in per_poison.values() for h in hs))}"
    )

    # Every consuming group committed past every poison on its topic.
    behind: dict[tuple[str, str], dict] = {}
    deadline = time.monotonic() + 60
    while True:
        behind.clear()
        for topic in topics:
            last: dict[TopicPartition, int] = {}
            for (t, _), (_, _, partition, offset) in sent.items():
                if t == topic:
                    tp = TopicPartition(topic, partition)
                    last[tp] = max(last.get(tp, -1), offset)
            for _, group in groups_of[topic]:
                committed = await committed_offsets(bootstrap, group, list(last))
                lagging = {tp: c for tp, c in committed.items() if (c or 0) <= last[tp]}
                if lagging:
                    behind[(topic, group)] = lagging
        if not behind or time.monotonic() > deadline:
            break
        await asyncio.sleep(1)
    assert not behind, f"groups that did not commit past the poison: {behind}"

    # The operator's view: `leadgen dlq list` shows them with their reasons.
    listed = leadgen_cli(stack_home, "dlq", "list", "campaign.control", timeout=60)
    assert listed.returncode == 0, listed.stderr
    for case, (_, reason) in poisons("campaign.control").items():
        assert f"x-dlq-reason: {reason}" in listed.stdout, case
    assert "x-dlq-group: lead-writer.campaign.control" in listed.stdout
    assert "dead letter(s) in campaign.control.dlq" in listed.stdout

    # And the pipeline still works end to end: a small campaign completes, checked.
    pipeline = _pipeline_e2e()
    result = await pipeline.run_and_check_campaign(stack, mint_token("poison-after", "admin"), 60)
    assert result["leads"]

"""`leadgen dlq list|replay TOPIC`: read the dead letters of TOPIC (from TOPIC.dlq), or
publish each back onto TOPIC with its original key."""

from __future__ import annotations

import argparse
import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from leadgen_common.contracts import TOPICS

from ._stack import stack_env, stack_paths

#: Headers the DLQ added; a replayed message goes back without them.
_DLQ_PREFIXES = ("x-dlq-", "x-original-")
BODY_PREVIEW = 200


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("dlq", help="inspect or replay dead letters")
    verbs = parser.add_subparsers(dest="dlq_verb", required=True)
    for verb, helptext, handler in (
        ("list", "print each dead letter of TOPIC", dlq_list),
        ("replay", "re-publish each dead letter of TOPIC onto TOPIC", dlq_replay),
    ):
        cmd = verbs.add_parser(verb, help=helptext)
        cmd.add_argument("topic", help="the topic, e.g. prospect.discovered (or its .dlq)")
        cmd.set_defaults(handler=handler)


def dlq_list(args: argparse.Namespace) -> int:
    topic, bootstrap = _resolve(args.topic)
    records = asyncio.run(read_all(bootstrap, f"{topic}.dlq"))
    for record in records:
        headers = {k: v.decode(errors="replace") for k, v in record.headers}
        key = record.key.decode(errors="replace") if record.key else "-"
        print(f"partition {record.partition} offset {record.offset} key {key}")
        for name, value in headers.items():
            if name.startswith(_DLQ_PREFIXES):
                print(f"  {name}: {value}")
        print(f"  body: {(record.value or b'')[:BODY_PREVIEW].decode(errors='replace')}")
    print(f"{len(records)} dead letter(s) in {topic}.dlq")
    return 0


def dlq_replay(args: argparse.Namespace) -> int:
    topic, bootstrap = _resolve(args.topic)
    count = asyncio.run(replay(bootstrap, topic))
    print(f"replayed {count} dead letter(s) from {topic}.dlq onto {topic}")
    return 0


async def read_all(bootstrap: str, topic: str) -> list[ConsumerRecord]:
    """Every record currently in ``topic``, in partition then offset order (no group:
    reading the DLQ commits nothing and changes nothing)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.topics()  # fetch metadata so partitions are known
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[ConsumerRecord] = []
        while any([await consumer.position(tp) < ends[tp] for tp in partitions]):
            batches = await consumer.getmany(timeout_ms=500)
            for tp, batch in batches.items():
                records.extend(r for r in batch if r.offset < ends[tp])
        return sorted(records, key=lambda r: (r.partition, r.offset))
    finally:
        await consumer.stop()


async def replay(bootstrap: str, topic: str) -> int:
    records = await read_all(bootstrap, f"{topic}.dlq")
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for record in records:
            headers = [(k, v) for k, v in record.headers if not k.startswith(_DLQ_PREFIXES)]
            origin = f"{topic}.dlq:{record.partition}:{record.offset}"
            headers.append(("x-replayed-from", origin.encode()))
            await producer.send_and_wait(topic, record.value, key=record.key, headers=headers)
    finally:
        await producer.stop()
    return len(records)


def _resolve(name: str) -> tuple[str, str]:
    topic = name.removesuffix(".dlq")
    if topic not in TOPICS:
        raise SystemExit(f"unknown topic {name!r}; topics: {', '.join(TOPICS)}")
    return topic, stack_env(stack_paths())["KAFKA_BOOTSTRAP_SERVERS"]

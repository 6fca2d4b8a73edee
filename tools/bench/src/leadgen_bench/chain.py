"""Baseline (a): a no-op FastStream chain of 4 hops on the stack's broker, as the pipeline
moves its messages but doing nothing with them.

A source (this process, as discovery) publishes N copies of a real prospect.enriched
body (same size) with distinct keys to ``bench.chain.<run>.1``; hops 1-3 are processes
of their own (as the services are) that consume their topic in batches (32, 64, 100:
enrichment's, scoring's and lead-writer's) and publish each message to the next topic;
hop 4 consumes the last topic (batches of 100) and records when each message arrived.
Every hop is an :class:`EventBus` broker with the services' producer and consumer
settings (acks=all, max_poll_records, session timeout, NACK_ON_ERROR, commit after the
batch), on topics with the stack's partition count. Nothing is decoded, stored or scored.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import sys
import time
import uuid
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError
from faststream import AckPolicy
from faststream.kafka import KafkaMessage
from leadgen_common.kafka import EventBus, _raw_body
from leadgen_common.settings import ServiceSettings

from .stats import latency_ms, sustained_rate

#: max_records of each hop: enrichment, scoring, lead-writer, lead-writer again.
HOP_BATCHES = (32, 64, 100, 100)
WAIT_MS = 200
SENT_HEADER = "x-bench-sent"


def _topic(run: str, hop: int) -> str:
    return f"bench.chain.{run}.{hop}"


def _bus(bootstrap: str, name: str) -> EventBus:
    return EventBus(ServiceSettings(kafka_bootstrap_servers=bootstrap, service_name=name))


def _hop_main(bootstrap: str, run: str, hop: int, expected: int, out: Any) -> None:
    asyncio.run(_hop(bootstrap, run, hop, expected, out))


async def _hop(bootstrap: str, run: str, hop: int, expected: int, out: Any) -> None:
    bus = _bus(bootstrap, f"bench-chain-{hop}")
    topic, last = _topic(run, hop), hop == len(HOP_BATCHES)
    options = bus._subscriber_options(topic, f"bench-chain-{run}-{hop}", AckPolicy.NACK_ON_ERROR)
    options["decoder"] = _raw_body
    arrivals: list[tuple[float, float]] = []
    done = asyncio.Event()

    async def forward(bodies: list[bytes], message: KafkaMessage) -> None:
        records = list(message.raw_message)
        if last:
            now = time.time()
            for record in records:
                sent = dict(record.headers).get(SENT_HEADER, b"0")
                arrivals.append((now, float(sent)))
            if len(arrivals) >= expected:
                done.set()
            return
        await asyncio.gather(
            *(
                bus.broker.publish(
                    body,
                    topic=_topic(run, hop + 1),
                    key=record.key,
                    headers={k: v.decode() for k, v in record.headers},
                )
                for body, record in zip(bodies, records, strict=True)
            )
        )

    bus.broker.subscriber(
        topic, batch=True, max_records=HOP_BATCHES[hop - 1], batch_timeout_ms=WAIT_MS, **options
    )(forward)
    await bus.start()
    await bus.wait_ready(60)
    out.put(("ready", hop))
    try:
        if last:
            await done.wait()
            out.put(("arrivals", arrivals))
        else:
            await asyncio.Event().wait()  # until terminated
    finally:
        await bus.stop()


async def _create_topics(bootstrap: str, run: str, partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    await admin.start()
    try:
        await admin.create_topics(
            [
                NewTopic(_topic(run, hop), num_partitions=partitions, replication_factor=1)
                for hop in range(1, len(HOP_BATCHES) + 1)
            ]
        )
    finally:
        await admin.close()


async def _delete_topics(bootstrap: str, run: str) -> None:
    """The chain's topics go when it is done (a shared stack keeps no trace of it)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    await admin.start()
    try:
        await admin.delete_topics([_topic(run, hop) for hop in range(1, len(HOP_BATCHES) + 1)])
    except KafkaError as exc:
        print(f"the chain's topics stay: {exc!r}", file=sys.stderr)
    finally:
        await admin.close()


async def run_chain(
    bootstrap: str, body: bytes, messages: int, *, partitions: int, timeout_s: float
) -> dict[str, Any]:
    """Throughput and latency of ``messages`` through the 4 hops."""
    run = uuid.uuid4().hex[:8]
    await _create_topics(bootstrap, run, partitions)
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    hops = [
        ctx.Process(target=_hop_main, args=(bootstrap, run, hop, messages, out), daemon=True)
        for hop in range(1, len(HOP_BATCHES) + 1)
    ]
    for process in hops:
        process.start()
    try:
        ready = 0
        while ready < len(hops):
            kind, _ = await asyncio.to_thread(out.get, True, 120)
            ready += kind == "ready"
        source = _bus(bootstrap, "bench-chain-source")
        await source.broker.connect()
        started = time.time()
        try:
            for first in range(0, messages, 25):  # discovery publishes a page at a time
                await asyncio.gather(
                    *(
                        source.broker.publish(
                            body,
                            topic=_topic(run, 1),
                            key=str(i).encode(),
                            headers={SENT_HEADER: repr(time.time())},
                        )
                        for i in range(first, min(first + 25, messages))
                    )
                )
        finally:
            await source.broker.stop()
        kind, arrivals = await asyncio.to_thread(out.get, True, timeout_s)
    finally:
        for process in hops:
            process.terminate()
        for process in hops:
            process.join(10)
            if process.is_alive():
                process.kill()
        await _delete_topics(bootstrap, run)
    times = [arrived for arrived, _ in arrivals]
    return {
        "messages": len(arrivals),
        "message_bytes": len(body),
        "hops": len(HOP_BATCHES),
        "batches": list(HOP_BATCHES),
        "per_s": sustained_rate(times),
        "wall_per_s": round(len(arrivals) / (max(times) - started), 2) if times else None,
        "latency": latency_ms([arrived - sent for arrived, sent in arrivals]),
    }

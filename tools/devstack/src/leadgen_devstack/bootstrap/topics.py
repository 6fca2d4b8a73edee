"""Create every topic (and its .dlq) with the configured partitions."""

from __future__ import annotations

import asyncio
import time

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, for_code
from leadgen_common.contracts import all_topic_names

_TOPIC_ALREADY_EXISTS = 36


async def create_topics(bootstrap: str, partitions: int, within_s: float = 20.0) -> list[str]:
    """Create what is missing; retried while the broker is still coming up."""
    deadline = time.monotonic() + within_s
    while True:
        try:
            return await _create_missing(bootstrap, partitions)
        except (KafkaError, OSError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)


async def _create_missing(bootstrap: str, partitions: int) -> list[str]:
    names = all_topic_names()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [n for n in names if n not in existing]
        if wanted:
            response = await admin.create_topics(
                [NewTopic(n, num_partitions=partitions, replication_factor=1) for n in wanted]
            )
            for topic, code, *_ in response.topic_errors:
                if code not in (0, _TOPIC_ALREADY_EXISTS):
                    raise for_code(code)(f"creating topic {topic}")
        return names
    finally:
        await admin.close()

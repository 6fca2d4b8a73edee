"""Consumer lag of a service's own consumer groups: ``leadgen_consumer_lag{group,topic}``.

Every ``LAG_INTERVAL_S`` a background task (started and stopped with the event bus) reads,
per subscribed topic, its partitions, their beginning and end offsets (a plain consumer
in no group) and each group's committed offsets (the admin client). The partitions are
named explicitly in the offset fetch: tansu, the dev broker, answers it only then.

Lag is what the group has not committed past yet: ``end - committed`` per partition,
``end - beginning`` for a partition the group never committed, never below 0 (tansu's end
offset can fall below a committed one). Scaling (KEDA) and the lag alerts read the same
number Kafka's own tools would show.

A failed read never touches message handling: it is logged once (until a read succeeds
again), the gauges keep their last values (``leadgen_consumer_lag_updated_timestamp_seconds``
says how old they are), the clients are dropped and the next interval starts afresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable, Mapping

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from . import metrics

logger = logging.getLogger(__name__)

#: (consumer group, topic)
Subscription = tuple[str, str]
#: Longest one read may take; a broker that stops answering must not stall the loop.
READ_TIMEOUT_S = 10.0


def partition_lag(committed: int | None, beginning: int, end: int) -> int:
    """Messages of one partition past the group's committed offset (``None`` or negative:
    no commit yet, so from the beginning offset); never negative."""
    start = beginning if committed is None or committed < 0 else committed
    return max(0, end - start)


def topic_lag(
    committed: Mapping[int, int], beginning: Mapping[int, int], end: Mapping[int, int]
) -> int:
    """Lag summed over the partitions ``end`` names (partition -> offset maps)."""
    return sum(
        partition_lag(committed.get(p), beginning.get(p, 0), offset) for p, offset in end.items()
    )


class ConsumerLagExporter:
    """Reads the lag of ``subscriptions`` every ``interval_s`` into the gauges."""

    def __init__(
        self,
        bootstrap_servers: str,
        subscriptions: Iterable[Subscription],
        *,
        interval_s: float,
        client_id: str = "leadgen-lag",
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.subscriptions = sorted(set(subscriptions))
        self.interval_s = interval_s
        self.client_id = client_id
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._failing = False

    # ------------------------------------------------------------ reading
    async def read_once(self) -> dict[Subscription, int]:
        """Read every subscription's lag, set the gauges, return the values."""
        admin, consumer = await self._clients()
        partitions = await _partitions(admin, sorted({topic for _, topic in self.subscriptions}))
        every = [TopicPartition(t, p) for t, ids in partitions.items() for p in ids]
        if not every:
            return {}
        beginning = _by_topic(await consumer.beginning_offsets(every))
        end = _by_topic(await consumer.end_offsets(every))
        lags: dict[Subscription, int] = {}
        for group in sorted({group for group, _ in self.subscriptions}):
            topics = [t for g, t in self.subscriptions if g == group and t in partitions]
            named = [tp for tp in every if tp.topic in topics]
            if not named:
                continue
            offsets = await admin.list_consumer_group_offsets(group, partitions=named)
            committed = _by_topic({tp: meta.offset for tp, meta in offsets.items()})
            for topic in topics:
                lags[(group, topic)] = topic_lag(
                    committed.get(topic, {}), beginning.get(topic, {}), end.get(topic, {})
                )
        now = time.time()
        for (group, topic), lag in lags.items():
            metrics.CONSUMER_LAG.labels(group, topic).set(lag)
            metrics.CONSUMER_LAG_UPDATED.labels(group, topic).set(now)
        return lags

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._admin is None or self._consumer is None:
            admin = AIOKafkaAdminClient(
                bootstrap_servers=self.bootstrap_servers, client_id=self.client_id
            )
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap_servers,
                client_id=self.client_id,
                enable_auto_commit=False,
            )
            self._admin, self._consumer = admin, consumer  # closed by _drop if start fails
            await admin.start()
            await consumer.start()
        return self._admin, self._consumer

    async def _drop(self) -> None:
        admin, consumer, self._admin, self._consumer = self._admin, self._consumer, None, None
        with contextlib.suppress(Exception):
            if consumer is not None:
                await consumer.stop()
        with contextlib.suppress(Exception):
            if admin is not None:
                await admin.close()

    # ------------------------------------------------------------ lifecycle
    def start(self) -> None:
        if self.subscriptions and self._task is None:
            self._stopping.clear()
            self._task = asyncio.create_task(self._run(), name="consumer-lag")

    async def stop(self) -> None:
        if self._task is not None:
            # Cancelling alone is not enough: a cancellation arriving during aiokafka's
            # connection attempt can be lost there (it surfaces as a connection error,
            # which the loop survives); the event ends the loop then.
            self._stopping.set()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._drop()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await asyncio.wait_for(self.read_once(), READ_TIMEOUT_S)
            except Exception as exc:  # never let a lag read hurt the service: next interval
                if not self._failing:
                    logger.warning("reading consumer lag failed (%r); retrying every %g s",
                                   exc, self.interval_s)  # fmt: skip
                self._failing = True
                await self._drop()
            else:
                if self._failing:
                    logger.info("reading consumer lag works again")
                self._failing = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval_s)


async def _partitions(admin: AIOKafkaAdminClient, topics: list[str]) -> dict[str, list[int]]:
    """topic -> partition ids, for those of ``topics`` the broker has. Asked of every topic's
    metadata: naming a topic in the request would let the broker auto-create it."""
    wanted = set(topics)
    return {
        described["topic"]: sorted(p["partition"] for p in described["partitions"])
        for described in await admin.describe_topics()
        if described["topic"] in wanted and described["error_code"] == 0
    }


def _by_topic(offsets: Mapping[TopicPartition, int]) -> dict[str, dict[int, int]]:
    """topic -> partition -> offset."""
    grouped: dict[str, dict[int, int]] = {}
    for tp, offset in offsets.items():
        grouped.setdefault(tp.topic, {})[tp.partition] = offset
    return grouped

"""The outbox relay: publishes committed outbox rows to Kafka and marks them published.

A background task of the lead-writer process. Each round, in one transaction: lock the
oldest unpublished rows (``FOR UPDATE SKIP LOCKED``, so replicas share the work and never
publish one row at the same time), publish them in id order, mark the ones the broker
acknowledged, see whether their campaigns are now complete, commit.

Delivery is at-least-once: a row is marked only after the broker acknowledged it, so it
is never published zero times; if the relay dies after publishing and before committing,
the row is published again with the same stored envelope, hence the same ``event_id``,
which consumers dedupe on. A failed publish ends the round (the rows before it are still
marked) and the relay retries with exponential backoff.

Between rounds, at most every ``backlog_interval_s``, the relay also reads how many rows
wait and how old the oldest is (``leadgen_outbox_backlog``,
``leadgen_outbox_oldest_age_seconds``): also while rounds fail, when those matter most.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from . import metrics
from .adapters import outbox
from .adapters.outbox import OutboxMessage
from .completion_check import complete_if_done

logger = logging.getLogger(__name__)

Publish = Callable[[OutboxMessage], Awaitable[None]]


class PublishFailed(Exception):
    """The broker refused or did not acknowledge a row; earlier rows of the round were marked."""


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        publish: Publish,
        *,
        batch_size: int = 100,
        poll_interval_s: float = 0.5,
        backoff_s: float = 0.2,
        max_backoff_s: float = 10.0,
        backlog_interval_s: float = 5.0,
    ) -> None:
        self.engine = engine
        self.publish = publish
        self.batch_size = batch_size
        self.poll_interval_s = poll_interval_s
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.backlog_interval_s = backlog_interval_s
        self._backlog_read_at: float | None = None
        self._backlog_failing = False
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Called after a commit that added outbox rows: relay them now, not at the next poll."""
        self._wake.set()

    async def relay_once(self) -> int:
        """Publish and mark one batch; returns how many rows were published and marked."""
        failure: Exception | None = None
        sent: list[OutboxMessage] = []
        async with self.engine.begin() as conn:
            for message in await outbox.claim(conn, self.batch_size):
                try:
                    await self.publish(message)
                except Exception as exc:  # broker down, timeout: retried next round
                    failure = exc
                    break
                sent.append(message)
            if sent:
                await outbox.mark_published(conn, [m.id for m in sent])
                for campaign_id in sorted({m.campaign_id for m in sent if m.campaign_id}):
                    await complete_if_done(conn, campaign_id)
        metrics.OUTBOX_PUBLISHED.inc(len(sent))
        if failure is not None:
            raise PublishFailed(f"published {len(sent)} rows, then failed") from failure
        return len(sent)

    async def refresh_backlog(self) -> None:
        """Set the backlog gauges from the table."""
        async with self.engine.connect() as conn:
            backlog = await outbox.backlog(conn)
        metrics.OUTBOX_BACKLOG.set(backlog.rows)
        metrics.OUTBOX_OLDEST_AGE.set(backlog.oldest_age_s)

    async def _refresh_backlog_if_due(self) -> None:
        """Refresh the gauges if ``backlog_interval_s`` passed; a failure (the database
        down) is logged once and never stops the relay."""
        now = time.monotonic()
        if (
            self._backlog_read_at is not None
            and now - self._backlog_read_at < self.backlog_interval_s
        ):
            return
        self._backlog_read_at = now
        try:
            await self.refresh_backlog()
        except Exception as exc:
            if not self._backlog_failing:
                logger.warning("reading the outbox backlog failed (%r); retrying", exc)
            self._backlog_failing = True
        else:
            self._backlog_failing = False

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self, timeout_s: float = 10.0) -> None:
        """Finish the round in flight (its rows get marked), then stop."""
        if self._task is None:
            return
        self._stopping.set()
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout_s)
        except TimeoutError:
            # The round's transaction rolls back; its rows are published again later.
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        delay = self.backoff_s
        while not self._stopping.is_set():
            self._wake.clear()
            await self._refresh_backlog_if_due()
            try:
                sent = await self.relay_once()
            except Exception as exc:
                metrics.RELAY_FAILURES.inc()
                logger.warning("outbox relay round failed (%r); retrying in %.1fs", exc, delay)
                await self._sleep(self._stopping, delay)
                delay = min(delay * 2, self.max_backoff_s)
                continue
            delay = self.backoff_s
            if sent < self.batch_size:  # a full batch means more may be waiting
                await self._sleep(self._wake, self.poll_interval_s)

    @staticmethod
    async def _sleep(event: asyncio.Event, seconds: float) -> None:
        """Sleep ``seconds`` or until ``event`` is set."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

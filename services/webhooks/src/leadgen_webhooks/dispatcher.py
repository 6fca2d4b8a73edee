"""The dispatcher: a loop in every replica that claims due deliveries and attempts them.

It is apart from the consumer so that a slow or failing receiver never holds a Kafka
partition (or lead-writer) up: the consumer only inserts rows; attempts, waits and
retries happen here, at most ``concurrency`` at once per replica, and replicas share the
due rows through ``FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from leadgen_common.crypto import FieldCipher, PiiCryptoError
from leadgen_common.webhooks import BODY_FIELD, SECRET_FIELD, is_success

from .adapters.sender import Sender
from .adapters.store import Due, Endpoint, Store
from .domain import Next, Policy, after_attempt, auto_disabled
from .metrics import DELIVERIES, PENDING

logger = logging.getLogger(__name__)


class Dispatcher:
    def __init__(
        self,
        store: Store,
        sender: Sender,
        cipher: FieldCipher,
        policy: Policy,
        *,
        batch_size: int,
        concurrency: int,
        lease_s: float,
        poll_interval_s: float,
    ) -> None:
        self.store, self.sender, self.cipher, self.policy = store, sender, cipher, policy
        self.batch_size, self.lease_s, self.poll_interval_s = batch_size, lease_s, poll_interval_s
        self.slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def wake(self) -> None:
        """New deliveries were added: look now rather than at the next poll."""
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="webhooks-dispatcher")

    async def stop(self) -> None:
        """Claims nothing more; attempts in flight finish (they are bounded by the timeout)."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while not self._stopping:
            try:
                claimed = await self.run_once()
                PENDING.set(await self.store.pending())
            except Exception:  # the database is down, say: try again after a pause
                logger.exception("dispatcher pass failed")
                claimed = 0
            if claimed < self.batch_size and not self._stopping:
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval_s)
                self._wake.clear()

    async def run_once(self) -> int:
        """One pass: claim what is due and attempt it all. Returns how many were claimed."""
        due, endpoints = await self.store.claim(self.batch_size, self.lease_s)
        await asyncio.gather(*(self._one(d, endpoints.get(d.endpoint_id)) for d in due))
        return len(due)

    async def _one(self, due: Due, endpoint: Endpoint | None) -> None:
        async with self.slots:
            try:
                await self._attempt(due, endpoint)
            except Exception:  # its lease runs out and it is tried again
                logger.exception("delivery %s of event %s failed", due.id, due.event_id)

    async def _attempt(self, due: Due, endpoint: Endpoint | None) -> None:
        why = inactive_reason(endpoint)
        if why is not None or due.body is None:
            await self.store.failed(
                due,
                None,
                why or "no_body",
                attempted=False,
                endpoint=endpoint,
                disable_after=self.policy.disable_after,
            )
            DELIVERIES.labels("failed").inc()
            return
        assert endpoint is not None
        try:
            secret = self.cipher.decrypt(
                endpoint.secret, team_id=due.team_id, prospect_id=endpoint.id, field=SECRET_FIELD
            )
            body = self.cipher.decrypt(
                due.body, team_id=due.team_id, prospect_id=due.event_id, field=BODY_FIELD
            ).encode()
        except PiiCryptoError as exc:  # a key removed too early: retrying will not help
            await self.store.failed(
                due,
                None,
                f"undecryptable: {type(exc).__name__}",
                attempted=False,
                endpoint=endpoint,
                disable_after=self.policy.disable_after,
            )
            DELIVERIES.labels("failed").inc()
            return
        attempt = await self.sender.send(
            endpoint.url, secret, str(due.event_id), due.event_type, body
        )
        ok = attempt.status is not None and is_success(attempt.status)
        error = attempt.error or (None if ok else f"http_{attempt.status}")
        verdict = after_attempt(self.policy, due.attempts + 1, ok)
        if verdict.next is Next.DELIVERED:
            await self.store.delivered(due, attempt.status or 0)
        elif verdict.next is Next.RETRY:
            await self.store.retry(due, attempt.status, error, verdict.delay_s)
        else:
            disabled = await self.store.failed(
                due,
                attempt.status,
                error,
                attempted=True,
                endpoint=endpoint,
                disable_after=self.policy.disable_after,
            )
            if disabled:
                DELIVERIES.labels("disabled").inc()
                logger.warning("endpoint %s disabled after repeated failures", endpoint.id)
        DELIVERIES.labels(verdict.next.value).inc()
        logger.info(
            "event %s to endpoint %s: attempt %d, %s (%s)",
            due.event_id,
            endpoint.id,
            due.attempts + 1,
            verdict.next.value,
            attempt.status if attempt.status is not None else attempt.error,
        )


def inactive_reason(endpoint: Endpoint | None) -> str | None:
    if endpoint is None:
        return "endpoint_deleted"
    if not endpoint.enabled:
        return "endpoint_paused"
    if auto_disabled(endpoint.disabled_at, endpoint.enabled_at):
        return "endpoint_disabled"
    return None

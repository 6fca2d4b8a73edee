"""Which campaigns this replica pages: leases in Postgres, one task per campaign.

Every ``lease_renew_s`` (and at once when nudged) the supervisor renews the leases it
holds, stops the tasks whose lease another replica took, and claims unfinished campaigns
whose lease lapsed -- new ones, and those of a replica that died -- up to
``max_active_campaigns``. So a campaign continues wherever a replica has room, and a
crashed replica's campaigns resume elsewhere once their lease runs out. On shutdown it
stops its tasks and releases their leases, so another replica takes over at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections import defaultdict

from . import metrics
from .paging import CampaignPager
from .ports import CursorStore, LeaseLost

logger = logging.getLogger(__name__)


def replica_id() -> str:
    """Unique per process: host, pid and a random suffix (pids repeat across restarts)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Supervisor:
    def __init__(
        self,
        store: CursorStore,
        *,
        owner: str,
        lease_s: float,
        lease_renew_s: float,
        max_active_campaigns: int,
    ) -> None:
        self.store = store
        self.owner = owner
        self.lease_s = lease_s
        self.lease_renew_s = lease_renew_s
        self.max_active = max_active_campaigns
        self.pager: CampaignPager | None = None
        self.tasks: dict[uuid.UUID, asyncio.Task[None]] = {}
        self.wakeups: defaultdict[uuid.UUID, asyncio.Event] = defaultdict(asyncio.Event)
        self._tick_now = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None

    def wakeup(self, campaign_id: uuid.UUID) -> asyncio.Event:
        return self.wakeups[campaign_id]

    def nudge(self, campaign_id: uuid.UUID | None = None) -> None:
        """Claim now (a campaign was created) and wake a paused campaign's loop."""
        self._tick_now.set()
        if campaign_id is not None and campaign_id in self.tasks:
            self.wakeups[campaign_id].set()

    async def start(self, pager: CampaignPager) -> None:
        self.pager = pager
        self._loop = asyncio.create_task(self._run(), name="discovery-supervisor")

    async def stop(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
        held = list(self.tasks)
        for task in self.tasks.values():
            task.cancel()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        if held:
            try:
                await self.store.release(self.owner, held)
            except Exception:  # they lapse by themselves; shutdown must not hang on it
                logger.warning("could not release %d leases", len(held), exc_info=True)

    async def _run(self) -> None:
        while True:
            self._tick_now.clear()
            try:
                await self.tick()
            except Exception:
                logger.exception("lease renewal or claim failed; retrying")
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel that
            # races the event being set, and stop() would wait forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.lease_renew_s):
                    await self._tick_now.wait()

    async def tick(self) -> None:
        if self.tasks:
            held = await self.store.renew(self.owner, self.lease_s, list(self.tasks))
            for campaign_id in set(self.tasks) - held:
                logger.warning("lease of campaign %s lost; stopping its loop", campaign_id)
                self.tasks[campaign_id].cancel()
        room = self.max_active - len(self.tasks)
        if room > 0:
            for campaign_id in await self.store.claim(self.owner, self.lease_s, room):
                if campaign_id not in self.tasks:  # our own lease lapsed and came back
                    self._spawn(campaign_id)

    def _spawn(self, campaign_id: uuid.UUID) -> None:
        assert self.pager is not None, "start() first"
        task = asyncio.create_task(self._page(campaign_id), name=f"discovery-{campaign_id}")
        self.tasks[campaign_id] = task
        metrics.CAMPAIGNS_PAGING.set(len(self.tasks))

    async def _page(self, campaign_id: uuid.UUID) -> None:
        assert self.pager is not None
        try:
            await self.pager.run(campaign_id)
            self._tick_now.set()  # a slot is free: claim the next campaign now
        except LeaseLost:
            logger.warning("campaign %s is paged by another replica now", campaign_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("paging campaign %s failed; releasing it for a retry", campaign_id)
            with contextlib.suppress(Exception):
                await self.store.release(self.owner, [campaign_id])
        finally:
            self.tasks.pop(campaign_id, None)
            self.wakeups.pop(campaign_id, None)
            metrics.CAMPAIGNS_PAGING.set(len(self.tasks))

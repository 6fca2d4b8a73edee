"""Whether a campaign was cancelled, read through the enrichment role's SELECT grant.

``campaign.control`` reaches only the replica that owns its partition, so a local set
alone would let the other replicas keep paying for a cancelled campaign. The source of
truth is lead-writer's ``campaign_progress.status`` (falling back to the gateway's
``campaigns.requested_status`` before lead-writer has seen the campaign). Answers are
cached for ``ttl_s`` so a burst of prospects costs one query; "cancelled" is final and
cached for good.
"""

from __future__ import annotations

import logging
import time
import uuid

from leadgen_common.contracts.events import CampaignStatus
from leadgen_common.db.schema import campaign_progress, campaigns
from leadgen_common.http_retry import Clock
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger(__name__)

CANCELLED = CampaignStatus.CANCELLED.value
#: Bound on cached "not cancelled" answers; expired ones are dropped first.
MAX_ENTRIES = 10_000


def _statuses_query(campaign_id: uuid.UUID):
    progress = (
        select(campaign_progress.c.status)
        .where(campaign_progress.c.campaign_id == campaign_id)
        .scalar_subquery()
    )
    requested = (
        select(campaigns.c.requested_status).where(campaigns.c.id == campaign_id).scalar_subquery()
    )
    return select(progress.label("progress"), requested.label("requested"))


class CampaignCancellations:
    def __init__(self, engine: AsyncEngine, ttl_s: float, clock: Clock = time.monotonic) -> None:
        self.engine = engine
        self.ttl_s = ttl_s
        self.clock = clock
        self.cancelled: set[uuid.UUID] = set()
        self.running_until: dict[uuid.UUID, float] = {}

    def remember_cancelled(self, campaign_id: uuid.UUID) -> None:
        self.cancelled.add(campaign_id)
        self.running_until.pop(campaign_id, None)

    async def is_cancelled(self, campaign_id: uuid.UUID) -> bool:
        if campaign_id in self.cancelled:
            return True
        if self.running_until.get(campaign_id, 0.0) > self.clock():
            return False
        try:
            async with self.engine.connect() as conn:
                row = (await conn.execute(_statuses_query(campaign_id))).one()
        except Exception:
            # Fail open: a database hiccup must not stall or lose the prospect; at worst
            # a cancelled campaign pays for a few more lookups.
            logger.warning("campaign status unreadable; assuming not cancelled", exc_info=True)
            return False
        if CANCELLED in (row.progress, row.requested):
            self.remember_cancelled(campaign_id)
            return True
        self._cache_running(campaign_id)
        return False

    def _cache_running(self, campaign_id: uuid.UUID) -> None:
        now = self.clock()
        if len(self.running_until) >= MAX_ENTRIES:
            self.running_until = {k: t for k, t in self.running_until.items() if t > now}
            if len(self.running_until) >= MAX_ENTRIES:
                self.running_until.clear()
        self.running_until[campaign_id] = now + self.ttl_s

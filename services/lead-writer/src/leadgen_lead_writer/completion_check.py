"""Marking a campaign completed when the rule in ``domain.completion`` holds."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncConnection

from . import metrics
from .adapters import campaigns, outbox, stages
from .domain.completion import is_complete, may_complete

logger = logging.getLogger(__name__)


async def complete_if_done(conn: AsyncConnection, campaign_id: uuid.UUID) -> bool:
    """Mark the campaign completed if it now is; True if this call completed it.

    Called at the end of every transaction that may have made a campaign complete (each
    handler's effect, the relay marking rows). It locks the campaign_progress row first,
    so of two such transactions running at once the later one sees the earlier one's
    changes once it holds the lock: a campaign can never be left uncompleted."""
    progress = await campaigns.lock_existing(conn, campaign_id)
    if progress is None:
        return False
    state = progress.completion_state()
    if not may_complete(state):  # the cheap part first: most events stop here
        return False
    counts = await stages.status_counts(conn, campaign_id)
    unpublished = await outbox.has_unpublished(conn, campaign_id)
    if not is_complete(state, counts, unpublished_outbox=unpublished):
        return False
    await campaigns.mark_completed(conn, campaign_id)
    metrics.CAMPAIGNS_COMPLETED.inc()
    logger.info("campaign completed", extra={"fields": {"campaign_id": str(campaign_id)}})
    return True

"""Marking a campaign completed when the rule in ``domain.completion`` holds."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncConnection

from . import metrics
from .adapters import campaigns, outbox, stages
from .adapters.campaigns import Progress
from .domain.completion import NEVER_TERMINAL, is_complete, may_complete

logger = logging.getLogger(__name__)


async def complete_if_done(
    conn: AsyncConnection, campaign_id: uuid.UUID, locked: Progress | None = None
) -> bool:
    """Mark the campaign completed if it now is; True if this call completed it.

    Called at the end of every transaction that may have made a campaign complete (each
    handler's effect, the relay marking rows), holding the campaign_progress row lock
    (``locked``: the row as this transaction locked and left it; else it is locked here).
    Of two such transactions running at once, the later one to take the lock sees the
    earlier one's changes, so a campaign can never be left uncompleted."""
    progress = locked or await campaigns.lock_existing(conn, campaign_id)
    if progress is None:
        return False
    state = progress.completion_state()
    # The cheap parts first: most events stop at the row, most others at one index probe.
    if not may_complete(state) or await stages.any_in(conn, campaign_id, NEVER_TERMINAL):
        return False
    counts = await stages.status_counts(conn, campaign_id)
    unpublished = await outbox.has_unpublished(conn, campaign_id)
    if not is_complete(state, counts, unpublished_outbox=unpublished):
        return False
    ran_s = await campaigns.mark_completed(conn, campaign_id)
    metrics.CAMPAIGNS_COMPLETED.inc()
    metrics.CAMPAIGN_SECONDS.observe(max(ran_s, 0.0))
    logger.info("campaign completed", extra={"fields": {"campaign_id": str(campaign_id)}})
    return True

"""``rateLimitedUntil`` of one platform of a campaign, kept on its cursor row.

The platform's adapter reports every wait for the rate limiter or a 429; the row shows
the latest until the page's fetch ends, then it is cleared. Showing it is a courtesy to
whoever watches the campaign: a failing write is logged, never fails the page.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from leadgen_common.contracts import Platform

from .ports import CursorStore

logger = logging.getLogger(__name__)


class CursorWaits:
    def __init__(self, store: CursorStore, campaign_id: uuid.UUID, platform: Platform) -> None:
        self.store = store
        self.campaign_id = campaign_id
        self.platform = platform
        self.shown: datetime | None = None

    async def rate_limited(self, until: datetime) -> None:
        if until != self.shown:
            await self._show(until)

    async def over(self) -> None:
        """The fetch ended (or was cancelled): nothing waits any more."""
        if self.shown is not None:
            await self._show(None)

    async def _show(self, until: datetime | None) -> None:
        try:
            await self.store.set_rate_limited(self.campaign_id, self.platform, until)
            self.shown = until
        except Exception:
            logger.warning("could not show %s rateLimitedUntil", self.platform, exc_info=True)

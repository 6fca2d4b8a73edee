"""An in-process LRU cache in front of a CampaignIcpRepository: a campaign's ICP is read
once per replica, not once per prospect. Only found ICPs are cached (a missing one may
appear any moment); a snapshot never changes, so entries need no expiry."""

from __future__ import annotations

import uuid
from collections import OrderedDict

from leadgen_common.contracts import Icp

from ..ports import CampaignIcpRepository

Key = tuple[uuid.UUID, uuid.UUID]  # (campaign_id, team_id)


class CachedCampaignIcps:
    def __init__(self, inner: CampaignIcpRepository, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError("the ICP cache needs room for at least one campaign")
        self.inner = inner
        self.max_entries = max_entries
        self.entries: OrderedDict[Key, Icp] = OrderedDict()

    async def save(self, campaign_id: uuid.UUID, team_id: uuid.UUID, icp: Icp) -> None:
        await self.inner.save(campaign_id, team_id, icp)
        self._remember((campaign_id, team_id), icp)

    async def get(self, campaign_id: uuid.UUID, team_id: uuid.UUID) -> Icp | None:
        key = (campaign_id, team_id)
        if key in self.entries:
            self.entries.move_to_end(key)
            return self.entries[key]
        icp = await self.inner.get(campaign_id, team_id)
        if icp is not None:
            self._remember(key, icp)
        return icp

    def _remember(self, key: Key, icp: Icp) -> None:
        self.entries[key] = icp
        self.entries.move_to_end(key)
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)

"""The edges the handlers need, as small protocols (tests pass fakes)."""

from __future__ import annotations

import uuid
from typing import Protocol

from leadgen_common.contracts import Icp


class CampaignIcpRepository(Protocol):
    async def save(self, campaign_id: uuid.UUID, team_id: uuid.UUID, icp: Icp) -> None:
        """Keep the ICP snapshot a campaign started with (a repeat changes nothing)."""
        ...

    async def get(self, campaign_id: uuid.UUID, team_id: uuid.UUID) -> Icp | None:
        """The campaign's ICP, or None when it is not known (yet)."""
        ...

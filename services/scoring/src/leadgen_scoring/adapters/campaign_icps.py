"""Campaign ICPs in Postgres: scoring's own ``scoring_campaigns`` (written on
campaign.started), falling back to the gateway's ``campaigns`` + ``icps`` through the
scoring role's read grant — events of different topics are not ordered, so a prospect
of a campaign may arrive before the campaign.started that scoring stores.

The fallback reads the ICP as it is now, which is the snapshot unless a user edited the
ICP in the moments between starting the campaign and scoring its first prospect.
"""

from __future__ import annotations

import uuid

from leadgen_common.contracts import Icp
from leadgen_common.db.schema import campaigns, icps, scoring_campaigns
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine


class PostgresCampaignIcps:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def save(self, campaign_id: uuid.UUID, team_id: uuid.UUID, icp: Icp) -> None:
        statement = (
            insert(scoring_campaigns)
            .values(campaign_id=campaign_id, team_id=team_id, icp=icp.model_dump(mode="json"))
            .on_conflict_do_nothing(index_elements=[scoring_campaigns.c.campaign_id])
        )
        async with self.engine.begin() as conn:
            await conn.execute(statement)

    async def get(self, campaign_id: uuid.UUID, team_id: uuid.UUID) -> Icp | None:
        async with self.engine.connect() as conn:
            snapshot = (
                await conn.execute(
                    select(scoring_campaigns.c.icp).where(
                        scoring_campaigns.c.campaign_id == campaign_id,
                        scoring_campaigns.c.team_id == team_id,
                    )
                )
            ).scalar_one_or_none()
            if snapshot is not None:
                return Icp.model_validate(snapshot)
            row = (
                await conn.execute(
                    select(icps.c.id, icps.c.definition)
                    .join(campaigns, campaigns.c.icp_id == icps.c.id)
                    .where(campaigns.c.id == campaign_id, campaigns.c.team_id == team_id)
                )
            ).one_or_none()
        if row is None:
            return None
        return Icp.model_validate({**row.definition, "id": str(row.id)})

"""campaigns: the definition and the status the user asked for (lead-writer owns the rest)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from leadgen_common.db.schema import campaign_progress, campaigns
from sqlalchemy import RowMapping, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from .keyset import newest_first

_COLUMNS = (
    campaigns.c.id,
    campaigns.c.icp_id,
    campaigns.c.name,
    campaigns.c.platforms,
    campaigns.c.search_criteria,
    campaigns.c.options,
    campaigns.c.requested_status,
    campaigns.c.created_at,
    campaigns.c.estimated_completion,
)


async def insert(
    conn: AsyncConnection,
    *,
    team_id: uuid.UUID,
    icp_id: uuid.UUID,
    name: str,
    platforms: list[str],
    search_criteria: dict[str, Any],
    options: dict[str, Any],
    created_by: str,
    estimated_completion: datetime,
) -> uuid.UUID:
    result = await conn.execute(
        campaigns.insert()
        .values(
            team_id=team_id,
            icp_id=icp_id,
            name=name,
            platforms=platforms,
            search_criteria=search_criteria,
            options=options,
            created_by=created_by,
            estimated_completion=estimated_completion,
        )
        .returning(campaigns.c.id)
    )
    return result.scalar_one()


async def delete(conn: AsyncConnection, team_id: uuid.UUID, campaign_id: uuid.UUID) -> None:
    await conn.execute(
        campaigns.delete().where(campaigns.c.id == campaign_id, campaigns.c.team_id == team_id)
    )


async def get(
    conn: AsyncConnection, team_id: uuid.UUID, campaign_id: uuid.UUID, *, for_update: bool = False
) -> RowMapping | None:
    query = select(*_COLUMNS).where(campaigns.c.id == campaign_id, campaigns.c.team_id == team_id)
    if for_update:
        query = query.with_for_update()
    return (await conn.execute(query)).mappings().one_or_none()


async def set_requested_status(
    conn: AsyncConnection, team_id: uuid.UUID, campaign_id: uuid.UUID, status: str
) -> None:
    await conn.execute(
        campaigns.update()
        .where(campaigns.c.id == campaign_id, campaigns.c.team_id == team_id)
        .values(requested_status=status, updated_at=func.now())
    )


async def page(
    conn: AsyncConnection,
    team_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> list[RowMapping]:
    """Newest first, each with lead-writer's status and completion when it has them."""
    query = (
        select(
            *_COLUMNS,
            campaign_progress.c.status.label("progress_status"),
            campaign_progress.c.completed_at,
        )
        .select_from(
            campaigns.outerjoin(
                campaign_progress, campaign_progress.c.campaign_id == campaigns.c.id
            )
        )
        .where(campaigns.c.team_id == team_id)
    )
    query = newest_first(query, campaigns, limit=limit, after=after)
    return list((await conn.execute(query)).mappings())

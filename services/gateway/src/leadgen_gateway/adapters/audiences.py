"""audiences: discovery's lookalike audiences, read by the gateway (scoped by team)."""

from __future__ import annotations

import uuid

from leadgen_common.db.schema import audiences
from sqlalchemy import RowMapping, select
from sqlalchemy.ext.asyncio import AsyncConnection


async def for_icp(conn: AsyncConnection, team_id: uuid.UUID, icp_id: uuid.UUID) -> list[RowMapping]:
    query = (
        select(audiences)
        .where(audiences.c.team_id == team_id, audiences.c.icp_id == icp_id)
        .order_by(audiences.c.created_at.desc(), audiences.c.platform)
    )
    return list((await conn.execute(query)).mappings())

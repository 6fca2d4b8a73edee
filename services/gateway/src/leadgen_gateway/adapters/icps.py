"""icps: the team's ICP definitions (soft-deleted: a campaign may still point at one)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from leadgen_common.contracts import IcpDefinition
from leadgen_common.db.schema import icps
from sqlalchemy import RowMapping, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from .keyset import newest_first

_COLUMNS = (icps.c.id, icps.c.definition, icps.c.created_at, icps.c.updated_at)


def _stored(definition: IcpDefinition) -> dict[str, Any]:
    """snake_case JSON, the same form as the ICP snapshot inside events."""
    return definition.model_dump(mode="json")


async def insert(
    conn: AsyncConnection, team_id: uuid.UUID, definition: IcpDefinition
) -> RowMapping:
    result = await conn.execute(
        icps.insert()
        .values(
            team_id=team_id,
            name=definition.name,
            product_id=definition.product_id,
            definition=_stored(definition),
        )
        .returning(*_COLUMNS)
    )
    return result.mappings().one()


async def get(
    conn: AsyncConnection, team_id: uuid.UUID, icp_id: uuid.UUID, *, with_deleted: bool = False
) -> RowMapping | None:
    query = select(*_COLUMNS).where(icps.c.id == icp_id, icps.c.team_id == team_id)
    if not with_deleted:
        query = query.where(icps.c.deleted_at.is_(None))
    return (await conn.execute(query)).mappings().one_or_none()


async def page(
    conn: AsyncConnection,
    team_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> list[RowMapping]:
    """Newest first; ``limit + 1`` rows so the caller knows whether a next page exists."""
    query = select(*_COLUMNS).where(icps.c.team_id == team_id, icps.c.deleted_at.is_(None))
    query = newest_first(query, icps, limit=limit, after=after)
    return list((await conn.execute(query)).mappings())


async def replace(
    conn: AsyncConnection, team_id: uuid.UUID, icp_id: uuid.UUID, definition: IcpDefinition
) -> RowMapping | None:
    result = await conn.execute(
        icps.update()
        .where(icps.c.id == icp_id, icps.c.team_id == team_id, icps.c.deleted_at.is_(None))
        .values(
            name=definition.name,
            product_id=definition.product_id,
            definition=_stored(definition),
            updated_at=func.now(),
        )
        .returning(*_COLUMNS)
    )
    return result.mappings().one_or_none()


async def soft_delete(conn: AsyncConnection, team_id: uuid.UUID, icp_id: uuid.UUID) -> bool:
    result = await conn.execute(
        icps.update()
        .where(icps.c.id == icp_id, icps.c.team_id == team_id, icps.c.deleted_at.is_(None))
        .values(deleted_at=func.now(), updated_at=func.now())
        .returning(icps.c.id)
    )
    return result.first() is not None

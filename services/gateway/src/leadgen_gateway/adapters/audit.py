"""audit_log: one row per user action through the API, in the action's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from leadgen_common.auth import Principal
from leadgen_common.db.schema import audit_log
from sqlalchemy import RowMapping, select
from sqlalchemy.ext.asyncio import AsyncConnection


async def record(
    conn: AsyncConnection,
    principal: Principal,
    action: str,
    resource_type: str,
    resource_id: uuid.UUID | str | None,
    details: dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        audit_log.insert().values(
            team_id=principal.team_id,
            principal=principal.subject,
            action=action,
            resource_type=resource_type,
            resource_id=None if resource_id is None else str(resource_id),
            details=details or {},
        )
    )


async def first_entry(
    conn: AsyncConnection, team_id: uuid.UUID, resource_type: str, resource_id: uuid.UUID | str
) -> RowMapping | None:
    """The first entry of the team about a resource (e.g. the request that made a job)."""
    query = (
        select(audit_log.c.action, audit_log.c.principal, audit_log.c.details, audit_log.c.at)
        .where(
            audit_log.c.team_id == team_id,
            audit_log.c.resource_type == resource_type,
            audit_log.c.resource_id == str(resource_id),
        )
        .order_by(audit_log.c.at, audit_log.c.id)
        .limit(1)
    )
    return (await conn.execute(query)).mappings().first()

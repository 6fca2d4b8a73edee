"""audit_log: one row per user action through the API, in the action's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from leadgen_common.auth import Principal
from leadgen_common.db.schema import audit_log
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

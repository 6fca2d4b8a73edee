"""Tenant scoping for Postgres row-level security (revision 0008).

Every tenant table has forced RLS. The tenant-facing roles (the gateway's and the
read-only ``leadgen_app``) see and write only rows whose team is the transaction-local
setting ``leadgen.team_id``, and nothing while it is unset; :func:`set_team` sets it for
the rest of the current transaction.

    async with engine.begin() as conn:
        await set_team(conn, team_id)
        ...
"""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

#: The custom setting the policies read (``current_setting(TEAM_SETTING, true)``).
TEAM_SETTING = "leadgen.team_id"

#: ``set_config(..., true)`` is ``SET LOCAL``: it ends with the transaction, so a pooled
#: connection never carries one request's team into the next. The team is a bound
#: parameter, never formatted into the SQL.
_SET_TEAM = text("SELECT set_config('leadgen.team_id', CAST(:team AS uuid)::text, true)")


async def set_team(conn: AsyncConnection, team_id: uuid.UUID) -> None:
    """Scope the rest of ``conn``'s current transaction to ``team_id``."""
    if not isinstance(team_id, uuid.UUID):
        raise TypeError(f"a team id is a UUID, not {type(team_id).__name__}")
    await conn.execute(_SET_TEAM, {"team": str(team_id)})

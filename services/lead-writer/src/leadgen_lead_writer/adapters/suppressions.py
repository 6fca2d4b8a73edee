"""suppressions: a team's hashed suppression list (lead-writer writes it; every service
reads it through leadgen_common.db.suppressions). Adding an entry twice is one entry."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from leadgen_common.db.schema import suppressions
from leadgen_common.suppression import Entry, Reason
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection


async def add(
    conn: AsyncConnection, team_id: uuid.UUID, entries: Iterable[Entry], reason: Reason
) -> int:
    """List ``entries`` for the team; how many were new."""
    rows = [
        {"team_id": team_id, "kind": e.kind.value, "value": e.digest, "reason": reason.value}
        for e in sorted(set(entries))
    ]
    if not rows:
        return 0
    stmt = insert(suppressions).values(rows).on_conflict_do_nothing().returning(suppressions.c.id)
    return len((await conn.execute(stmt)).all())

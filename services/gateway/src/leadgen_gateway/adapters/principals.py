"""teams and principals: created on a team's first request (a token may name a new team)."""

from __future__ import annotations

from collections import OrderedDict

from leadgen_common.auth import Principal
from leadgen_common.db.schema import principals, teams
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection


async def upsert_principal(conn: AsyncConnection, principal: Principal) -> None:
    await conn.execute(
        insert(teams)
        .values(id=principal.team_id, name=principal.team_name)
        .on_conflict_do_nothing()
    )
    stmt = insert(principals).values(
        team_id=principal.team_id, subject=principal.subject, role=principal.role.value
    )
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[principals.c.team_id, principals.c.subject],
            set_={"role": stmt.excluded.role, "last_seen_at": func.now()},
        )
    )


class KnownPrincipals:
    """Bounded memory of principals already upserted, so most requests write nothing."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._seen: OrderedDict[Principal, None] = OrderedDict()

    def __contains__(self, principal: Principal) -> bool:
        if principal in self._seen:
            self._seen.move_to_end(principal)
            return True
        return False

    def add(self, principal: Principal) -> None:
        if self._size == 0:
            return
        self._seen[principal] = None
        while len(self._seen) > self._size:
            self._seen.popitem(last=False)

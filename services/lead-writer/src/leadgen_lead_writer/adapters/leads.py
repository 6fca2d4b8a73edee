"""leads: one lead per person, ever (leads.prospect_id is unique)."""

from __future__ import annotations

from typing import Any

from leadgen_common.db.schema import leads
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection


async def insert_once(conn: AsyncConnection, row: dict[str, Any]) -> bool:
    """Insert the lead; False if the person already is a lead (from any campaign).

    A concurrent transaction inserting the same person makes this wait for its outcome,
    so two campaigns qualifying one person at once still make one lead."""
    stmt = insert(leads).values(**row).on_conflict_do_nothing().returning(leads.c.id)
    return (await conn.execute(stmt)).first() is not None

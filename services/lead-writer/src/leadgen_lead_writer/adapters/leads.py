"""leads: one lead per person, ever (leads.prospect_id is unique)."""

from __future__ import annotations

import uuid
from typing import Any

from leadgen_common.db.schema import leads
from sqlalchemy import Row, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection


async def insert_once(conn: AsyncConnection, row: dict[str, Any]) -> bool:
    """Insert the lead; False if the person already is a lead (from any campaign).

    A concurrent transaction inserting the same person makes this wait for its outcome,
    so two campaigns qualifying one person at once still make one lead."""
    stmt = insert(leads).values(**row).on_conflict_do_nothing().returning(leads.c.id)
    return (await conn.execute(stmt)).first() is not None


async def lock_of_prospect(conn: AsyncConnection, prospect_id: uuid.UUID) -> Row[Any] | None:
    """The person's lead (id and contact_info), locked until commit; None if not a lead."""
    query = (
        select(leads.c.id, leads.c.contact_info)
        .where(leads.c.prospect_id == prospect_id)
        .with_for_update()
    )
    return (await conn.execute(query)).one_or_none()


async def save(conn: AsyncConnection, lead_id: uuid.UUID, values: dict[str, Any]) -> None:
    stmt = update(leads).where(leads.c.id == lead_id).values(**values, updated_at=func.now())
    await conn.execute(stmt)

"""leads: one lead per person, ever (leads.prospect_id is unique).

``contact_info`` is stored with its contact details encrypted, bound to the lead's team and
prospect (as on the prospect's row); functions here take and return clear values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from leadgen_common.crypto import FieldCipher
from leadgen_common.db.schema import leads
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from .prospects import reveal_contact, seal_contact


@dataclass(frozen=True)
class LockedLead:
    id: uuid.UUID
    team_id: uuid.UUID
    prospect_id: uuid.UUID
    contact_info: dict[str, Any]  # in clear


async def insert_once(conn: AsyncConnection, cipher: FieldCipher, row: dict[str, Any]) -> bool:
    """Insert the lead; False if the person already is a lead (from any campaign).

    A concurrent transaction inserting the same person makes this wait for its outcome,
    so two campaigns qualifying one person at once still make one lead."""
    stored = {
        **row,
        "contact_info": seal_contact(
            cipher, row.get("contact_info"), row["team_id"], row["prospect_id"]
        ),
    }
    stmt = insert(leads).values(**stored).on_conflict_do_nothing().returning(leads.c.id)
    return (await conn.execute(stmt)).first() is not None


async def lock_of_prospect(
    conn: AsyncConnection, cipher: FieldCipher, prospect_id: uuid.UUID
) -> LockedLead | None:
    """The person's lead (contact_info in clear), locked until commit; None if not a lead."""
    query = (
        select(leads.c.id, leads.c.team_id, leads.c.contact_info)
        .where(leads.c.prospect_id == prospect_id)
        .with_for_update()
    )
    row = (await conn.execute(query)).one_or_none()
    if row is None:
        return None
    contact = reveal_contact(cipher, row.contact_info, row.team_id, prospect_id)
    return LockedLead(row.id, row.team_id, prospect_id, contact)


async def save(
    conn: AsyncConnection, cipher: FieldCipher, lead: LockedLead, values: dict[str, Any]
) -> None:
    """Set ``values`` (a ``contact_info`` among them in clear: it is sealed here)."""
    if "contact_info" in values:
        sealed = seal_contact(cipher, values["contact_info"], lead.team_id, lead.prospect_id)
        values = {**values, "contact_info": sealed}
    stmt = update(leads).where(leads.c.id == lead.id).values(**values, updated_at=func.now())
    await conn.execute(stmt)

"""Erasing a person from lead-writer's tables, in the caller's transaction.

What stays is what holds nothing about the person: the prospects row (so the person stays
listed as ``erased``, and a later event of theirs finds it erased and stores nothing), its
platform profile id replaced by its hash (the suppression list's ``platform_id`` digest),
timestamps, assignee and quality score; each campaign row's status (``erased``), scores
and the breakdown without its reasons (they quote the profile); the lead's status,
assignee, campaign and scores; the cost ledger (provider, operation, cost); the campaign
counters. Gone: every profile column, contact_info, profile_data, enrichment_data and the
edit marks; the lead's contact, company and profile links; and every lead.created of the
person in the outbox — an unpublished one is never published, a published one has done
its job and is a copy of the person.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from leadgen_common.contracts import lead_id_for
from leadgen_common.contracts.events import ProspectStatus
from leadgen_common.db.schema import campaign_prospects, leads, outbox, prospects
from sqlalchemy import Row, delete, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncConnection

_p = prospects.c

#: Every personal column of prospects, cleared.
CLEARED = {
    "profile_url": None,
    "name": None,
    "headline": None,
    "title": None,
    "company_name": None,
    "company_domain": None,
    "location": None,
    "contact_info": {},
    "profile_data": {},
    "enrichment_data": {},
    "edited_fields": [],
}

#: Each dimension of a breakdown keeps its score, loses its reasons (NULL stays NULL).
_WITHOUT_REASONS = literal_column(
    "(SELECT jsonb_object_agg(key, value || '{\"reasons\": []}'::jsonb) "
    "FROM jsonb_each(campaign_prospects.breakdown))",
    JSONB,
)


async def lock(conn: AsyncConnection, prospect_id: uuid.UUID) -> Row[Any] | None:
    """Who the prospect is (team, platform ids) and whether it was erased, locked."""
    query = (
        select(_p.team_id, _p.platform, _p.platform_profile_id, _p.profile_url, _p.erased_at)
        .where(_p.id == prospect_id)
        .with_for_update()
    )
    return (await conn.execute(query)).one_or_none()


async def scrub(
    conn: AsyncConnection, prospect_id: uuid.UUID, *, hashed_profile_id: str, at: datetime
) -> set[uuid.UUID]:
    """Erase what the tables hold about the prospect (see the module's docstring); the
    campaigns it touched (a row now terminal, a lead.created no longer awaited may
    complete one)."""
    await conn.execute(
        update(prospects)
        .where(_p.id == prospect_id)
        .values(**CLEARED, platform_profile_id=hashed_profile_id, erased_at=at)
    )
    cp = campaign_prospects.c
    rows = await conn.execute(
        update(campaign_prospects)
        .where(cp.prospect_id == prospect_id)
        .values(
            status=ProspectStatus.ERASED.value,
            breakdown=_WITHOUT_REASONS,
            updated_at=func.now(),
        )
        .returning(cp.campaign_id)
    )
    touched = set(rows.scalars())
    await conn.execute(
        update(leads)
        .where(leads.c.prospect_id == prospect_id)
        .values(contact_info={}, company_info={}, social_profiles={}, updated_at=func.now())
    )
    lead_id = str(lead_id_for(prospect_id))
    deleted = await conn.execute(
        delete(outbox)
        .where(outbox.c.topic == "lead.created", outbox.c.key == lead_id)
        .returning(outbox.c.payload["campaign_id"].astext)
    )
    return touched | {uuid.UUID(campaign) for campaign in deleted.scalars() if campaign}


async def shell(
    conn: AsyncConnection,
    prospect_id: uuid.UUID,
    *,
    team_id: uuid.UUID,
    platform: str,
    hashed_profile_id: str,
    at: datetime,
) -> None:
    """An erased row for a person never stored (their campaign rows need one): nothing
    about them but the platform and the hash of their profile id."""
    row = {
        "id": prospect_id,
        "team_id": team_id,
        "platform": platform,
        "platform_profile_id": hashed_profile_id,
        "erased_at": at,
    }
    await conn.execute(insert(prospects).values(**row).on_conflict_do_nothing())

"""prospects: one row per person per team and platform; user-edited fields win."""

from __future__ import annotations

import functools
import uuid
from datetime import datetime
from typing import Any

from leadgen_common.contracts.events import Enrichment, ProspectProfile
from leadgen_common.db.schema import prospects
from sqlalchemy import ColumnElement, Row, Text, and_, any_, case, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from ..domain.edits import DESCRIBED_BY
from ..domain.leads import ProspectRecord

#: Columns filled from the platform profile; a field the user edited is never overwritten.
PROFILE_COLUMNS = (
    "profile_url",
    "name",
    "headline",
    "title",
    "company_name",
    "company_domain",
    "location",
)


def _profile_data(profile: ProspectProfile) -> dict[str, Any]:
    """The profile's free-form part, kept for scoring, similarity and the console."""
    return profile.model_dump(
        mode="json", include={"industry", "summary", "skills", "activity", "headline"}
    )


def _contact_info(enrichment: Enrichment) -> dict[str, Any]:
    found = {"email": enrichment.email, "email_status": enrichment.email_status}
    return {k: v for k, v in found.items() if v is not None}


async def upsert(
    conn: AsyncConnection,
    *,
    prospect_id: uuid.UUID,
    team_id: uuid.UUID,
    profile: ProspectProfile,
    seen_at: datetime,
    enrichment: Enrichment | None = None,
    quality_score: float | None = None,
) -> None:
    """Insert or refresh a prospect from an event's profile (and enrichment, score).

    Empty enrichment (skipped) never replaces data an earlier enrichment found; an erased
    prospect is never refilled."""
    found = enrichment if enrichment is not None and enrichment != Enrichment() else None
    values: dict[str, Any] = {
        "id": prospect_id,
        "team_id": team_id,
        "platform": profile.platform.value,
        "platform_profile_id": profile.platform_profile_id,
        **{column: getattr(profile, column) for column in PROFILE_COLUMNS},
        "profile_data": _profile_data(profile),
        "discovered_at": seen_at,
    }
    if found is not None:
        values |= {
            "enrichment_data": found.model_dump(mode="json"),
            "contact_info": _contact_info(found),
            "enriched_at": seen_at,
        }
    if quality_score is not None:
        values["quality_score"] = quality_score
    stmt = _upsert(enriched=found is not None, scored=quality_score is not None)
    await conn.execute(stmt, values)


@functools.cache
def _upsert(*, enriched: bool, scored: bool) -> Any:
    """The upsert for one shape of values, built once (its ON CONFLICT clause is long;
    building it per event cost more than running it)."""
    stmt = insert(prospects)
    new, old = stmt.excluded, prospects.c
    updates: dict[str, Any] = {
        column: case((literal(column) == any_(old.edited_fields), old[column]), else_=new[column])
        for column in PROFILE_COLUMNS
    }
    updates["profile_data"] = new.profile_data
    # Earliest sighting and latest enrichment, whichever event comes first.
    updates["discovered_at"] = func.least(old.discovered_at, new.discovered_at)
    if enriched:
        # jsonb - text[] drops the keys the user edited, and what described another value
        # of them, from what enrichment found.
        updates["contact_info"] = old.contact_info.op("||")(
            new.contact_info.op("-")(_stale_keys(old, new))
        )
        updates["enrichment_data"] = new.enrichment_data
        updates["enriched_at"] = func.greatest(old.enriched_at, new.enriched_at)
    if scored:
        updates["quality_score"] = new.quality_score
    return stmt.on_conflict_do_update(
        index_elements=[old.id], set_=updates, where=old.erased_at.is_(None)
    )


def _stale_keys(old: Any, new: Any) -> ColumnElement[Any]:
    """Keys of what enrichment found that may not be written: the marked ones, and those
    that describe a marked one unless enrichment described the user's very value (an
    email status verifies the address the user gave, not another)."""
    edited = old.edited_fields
    keys = edited
    for name, described in DESCRIBED_BY.items():
        same_value = func.coalesce(new.contact_info[name] == old.contact_info[name], False)
        extra = case(
            (
                and_(literal(name) == any_(edited), ~same_value),
                literal(list(described), ARRAY(Text)),
            ),
            else_=literal([], ARRAY(Text)),
        )
        keys = func.array_cat(keys, extra)
    return keys


async def load(conn: AsyncConnection, prospect_id: uuid.UUID) -> ProspectRecord:
    row = (await conn.execute(select(prospects).where(prospects.c.id == prospect_id))).one()
    return ProspectRecord(
        id=row.id,
        team_id=row.team_id,
        platform=row.platform,
        profile_url=row.profile_url,
        name=row.name,
        title=row.title,
        company_name=row.company_name,
        company_domain=row.company_domain,
        location=row.location,
        contact_info=row.contact_info,
        enrichment_data=row.enrichment_data,
        assignee=row.assignee,
    )


async def lock_for_edit(conn: AsyncConnection, prospect_id: uuid.UUID) -> Row[Any] | None:
    """The row's owner, erasure and what an edit merges into, locked until commit (an
    enrichment upsert of the same prospect waits, so neither loses the other's write)."""
    p = prospects.c
    query = (
        select(p.team_id, p.erased_at, p.contact_info, p.edited_fields)
        .where(p.id == prospect_id)
        .with_for_update()
    )
    return (await conn.execute(query)).one_or_none()


async def save_edit(conn: AsyncConnection, prospect_id: uuid.UUID, values: dict[str, Any]) -> None:
    await conn.execute(update(prospects).where(prospects.c.id == prospect_id).values(**values))

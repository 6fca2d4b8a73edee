"""prospects: one row per person per team and platform; user-edited fields win.

Contact details are stored encrypted (:mod:`leadgen_common.crypto`): the ``email`` and
``phone`` keys of ``contact_info`` and the ``email`` of ``enrichment_data``, each bound to
the row's team, prospect and field name. Functions here take and return clear values and
seal or reveal them at the table's edge."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadgen_common.contracts.events import Enrichment, ProspectProfile
from leadgen_common.crypto import CONTACT_FIELDS, ENRICHMENT_FIELDS, FieldCipher
from leadgen_common.db.schema import prospects
from sqlalchemy import (
    ColumnElement,
    Text,
    and_,
    any_,
    bindparam,
    case,
    func,
    literal,
    select,
    update,
)
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


def seal_contact(
    cipher: FieldCipher, data: dict[str, Any] | None, team_id: uuid.UUID, prospect_id: uuid.UUID
) -> dict[str, Any]:
    """``contact_info`` as stored: its contact details encrypted."""
    return cipher.seal_fields(data, CONTACT_FIELDS, team_id=team_id, prospect_id=prospect_id)


def reveal_contact(
    cipher: FieldCipher, data: dict[str, Any] | None, team_id: uuid.UUID, prospect_id: uuid.UUID
) -> dict[str, Any]:
    """A stored ``contact_info`` in clear."""
    return cipher.reveal_fields(data, CONTACT_FIELDS, team_id=team_id, prospect_id=prospect_id)


#: The bound parameter of the upsert naming the DESCRIBED_BY keys whose value enrichment
#: found equals the one stored (so what describes it may stay beside a user's edit).
SAME_AS_STORED = "same_as_stored"


async def _same_as_stored(
    conn: AsyncConnection,
    cipher: FieldCipher,
    prospect_id: uuid.UUID,
    team_id: uuid.UUID,
    found: dict[str, Any],
) -> list[str]:
    """The DESCRIBED_BY names whose stored value equals what enrichment found, read under
    the row lock the upsert takes anyway (so the answer holds until the upsert).

    Values are encrypted under random nonces, so equal addresses differ as stored: the
    comparison is made here in clear rather than in the upsert's SQL. No row yet: none
    (a row inserted meanwhile by another transaction can hold a user's edit of it, and
    then what describes another value goes, as it should)."""
    names = [n for n, described in DESCRIBED_BY.items() if set(described) & found.keys()]
    if not names:
        return []
    p = prospects.c
    query = select(p.team_id, p.contact_info).where(p.id == prospect_id).with_for_update()
    row = (await conn.execute(query)).one_or_none()
    if row is None or row.team_id != team_id:
        return []
    stored = reveal_contact(cipher, row.contact_info, row.team_id, prospect_id)
    return [n for n in names if found.get(n) is not None and stored.get(n) == found.get(n)]


async def upsert(
    conn: AsyncConnection,
    cipher: FieldCipher,
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
        contact = _contact_info(found)
        values |= {
            "enrichment_data": cipher.seal_fields(
                found.model_dump(mode="json"),
                ENRICHMENT_FIELDS,
                team_id=team_id,
                prospect_id=prospect_id,
            ),
            "contact_info": seal_contact(cipher, contact, team_id, prospect_id),
            "enriched_at": seen_at,
            SAME_AS_STORED: await _same_as_stored(conn, cipher, prospect_id, team_id, contact),
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
            new.contact_info.op("-")(_stale_keys(old))
        )
        updates["enrichment_data"] = new.enrichment_data
        updates["enriched_at"] = func.greatest(old.enriched_at, new.enriched_at)
    if scored:
        updates["quality_score"] = new.quality_score
    return stmt.on_conflict_do_update(
        index_elements=[old.id], set_=updates, where=old.erased_at.is_(None)
    )


def _stale_keys(old: Any) -> ColumnElement[Any]:
    """Keys of what enrichment found that may not be written: the marked ones, and those
    that describe a marked one unless enrichment described the user's very value (an
    email status verifies the address the user gave, not another; whether the values are
    the same was decided in clear, :func:`_same_as_stored`)."""
    edited = old.edited_fields
    same = bindparam(SAME_AS_STORED, type_=ARRAY(Text))
    keys = edited
    for name, described in DESCRIBED_BY.items():
        extra = case(
            (
                and_(literal(name) == any_(edited), ~(literal(name) == any_(same))),
                literal(list(described), ARRAY(Text)),
            ),
            else_=literal([], ARRAY(Text)),
        )
        keys = func.array_cat(keys, extra)
    return keys


async def load(
    conn: AsyncConnection, cipher: FieldCipher, prospect_id: uuid.UUID
) -> ProspectRecord:
    """The prospect, its contact details in clear."""
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
        contact_info=reveal_contact(cipher, row.contact_info, row.team_id, row.id),
        enrichment_data=cipher.reveal_fields(
            row.enrichment_data, ENRICHMENT_FIELDS, team_id=row.team_id, prospect_id=row.id
        ),
        assignee=row.assignee,
    )


@dataclass(frozen=True)
class EditTarget:
    """What an edit merges into, contact details in clear."""

    team_id: uuid.UUID
    erased_at: datetime | None
    contact_info: dict[str, Any]
    edited_fields: list[str]


async def lock_for_edit(
    conn: AsyncConnection, cipher: FieldCipher, prospect_id: uuid.UUID
) -> EditTarget | None:
    """The row's owner, erasure and what an edit merges into, locked until commit (an
    enrichment upsert of the same prospect waits, so neither loses the other's write)."""
    p = prospects.c
    query = (
        select(p.team_id, p.erased_at, p.contact_info, p.edited_fields)
        .where(p.id == prospect_id)
        .with_for_update()
    )
    row = (await conn.execute(query)).one_or_none()
    if row is None:
        return None
    return EditTarget(
        team_id=row.team_id,
        erased_at=row.erased_at,
        contact_info=reveal_contact(cipher, row.contact_info, row.team_id, prospect_id),
        edited_fields=list(row.edited_fields or ()),
    )


async def save_edit(
    conn: AsyncConnection,
    cipher: FieldCipher,
    prospect_id: uuid.UUID,
    team_id: uuid.UUID,
    values: dict[str, Any],
) -> None:
    """Set ``values`` (a ``contact_info`` among them in clear: it is sealed here)."""
    if "contact_info" in values:
        values = {
            **values,
            "contact_info": seal_contact(cipher, values["contact_info"], team_id, prospect_id),
        }
    await conn.execute(update(prospects).where(prospects.c.id == prospect_id).values(**values))

"""Queries over lead-writer's read models (campaign_progress, campaign_prospects,
prospects, leads) and discovery's live cursors (discovery_cursors). The gateway only
reads these; every query is scoped by team."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from leadgen_common.crypto import FieldCipher
from leadgen_common.db.schema import (
    campaign_progress,
    campaign_prospects,
    discovery_cursors,
    leads,
    prospects,
)
from sqlalchemy import RowMapping, Select, and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from .contact import revealed
from .keyset import newest_first

#: Unscored prospects sort after every scored one (scores are in [0, 1]).
_UNSCORED = -1.0


async def progress(
    conn: AsyncConnection, team_id: uuid.UUID, campaign_id: uuid.UUID
) -> RowMapping | None:
    query = select(campaign_progress).where(
        campaign_progress.c.campaign_id == campaign_id, campaign_progress.c.team_id == team_id
    )
    return (await conn.execute(query)).mappings().one_or_none()


async def discovered_by_platform(
    conn: AsyncConnection, team_id: uuid.UUID, campaign_id: uuid.UUID
) -> dict[str, int]:
    query = (
        select(campaign_prospects.c.platform, func.count())
        .where(
            campaign_prospects.c.campaign_id == campaign_id,
            campaign_prospects.c.team_id == team_id,
        )
        .group_by(campaign_prospects.c.platform)
    )
    return {platform: count for platform, count in (await conn.execute(query)).all()}


async def discovery_live(
    conn: AsyncConnection, team_id: uuid.UUID, campaign_id: uuid.UUID
) -> dict[str, RowMapping]:
    """Per platform, what discovery's cursor says now: discovered so far, a failure
    reason, and ``rate_limited_until`` while the platform waits for its rate limit
    (null once that moment passed, whatever the row still holds)."""
    c = discovery_cursors
    waiting = case((c.c.rate_limited_until > func.now(), c.c.rate_limited_until))
    query = select(
        c.c.platform,
        c.c.discovered,
        c.c.failure_reason,
        waiting.label("rate_limited_until"),
    ).where(c.c.campaign_id == campaign_id, c.c.team_id == team_id)
    return {row["platform"]: row for row in (await conn.execute(query)).mappings()}


def _personal(column, erased):  # type: ignore[no-untyped-def]
    """A personal field, or null once the person was erased."""
    return case((erased, literal(None)), else_=column)


async def prospect_page(
    conn: AsyncConnection,
    team_id: uuid.UUID,
    campaign_id: uuid.UUID,
    *,
    status: str | None,
    min_score: float | None,
    limit: int,
    after: tuple[float, uuid.UUID] | None,
    assignee: str | None = None,
    cipher: FieldCipher,
) -> list[dict[str, Any]]:
    """Best score first (unscored last), then prospect id; ``limit + 1`` rows; only the
    prospects assigned to ``assignee`` when one is given."""
    cp, p = campaign_prospects, prospects
    erased = p.c.erased_at.is_not(None)
    sort_score = func.coalesce(cp.c.icp_match_score, _UNSCORED)
    query = (
        select(
            cp.c.prospect_id.label("id"),
            cp.c.platform,
            p.c.platform_profile_id,
            _personal(p.c.name, erased).label("name"),
            _personal(p.c.title, erased).label("title"),
            _personal(p.c.company_name, erased).label("company"),
            _personal(p.c.location, erased).label("location"),
            cp.c.status,
            cp.c.icp_match_score,
            cp.c.quality_score,
            cp.c.enrichment_skipped,
            cp.c.breakdown,
            _personal(p.c.contact_info["email"].astext, erased).label("email"),
            _personal(p.c.contact_info["phone"].astext, erased).label("phone"),
            p.c.edited_fields,
            p.c.assignee,
            sort_score.label("sort_score"),
        )
        .select_from(cp.join(p, p.c.id == cp.c.prospect_id))
        .where(cp.c.campaign_id == campaign_id, cp.c.team_id == team_id)
    )
    if status is not None:
        query = query.where(cp.c.status == status)
    if min_score is not None:
        query = query.where(cp.c.icp_match_score >= min_score)
    if assignee is not None:
        query = query.where(p.c.assignee == assignee)
    if after is not None:
        score, last_id = after
        query = query.where(
            or_(sort_score < score, and_(sort_score == score, cp.c.prospect_id > last_id))
        )
    query = query.order_by(sort_score.desc(), cp.c.prospect_id.asc()).limit(limit + 1)
    rows = (await conn.execute(query)).mappings()
    return revealed(rows, cipher, team_id, person="id")  # email, phone: stored encrypted


async def membership(
    conn: AsyncConnection,
    team_id: uuid.UUID,
    prospect_id: uuid.UUID,
    campaign_id: uuid.UUID | None,
) -> RowMapping | None:
    """The prospect's row in ``campaign_id``, or in its latest campaign when none is given."""
    cp = campaign_prospects
    query = select(cp.c.campaign_id, cp.c.status).where(
        cp.c.prospect_id == prospect_id, cp.c.team_id == team_id
    )
    if campaign_id is not None:
        query = query.where(cp.c.campaign_id == campaign_id)
    query = query.order_by(cp.c.discovered_at.desc(), cp.c.campaign_id.desc()).limit(1)
    return (await conn.execute(query)).mappings().one_or_none()


async def lead_of(
    conn: AsyncConnection, team_id: uuid.UUID, prospect_id: uuid.UUID
) -> uuid.UUID | None:
    query = select(leads.c.id).where(leads.c.prospect_id == prospect_id, leads.c.team_id == team_id)
    return (await conn.execute(query)).scalar_one_or_none()


async def lead_page(
    conn: AsyncConnection,
    team_id: uuid.UUID,
    *,
    campaign_id: uuid.UUID | None,
    status: str | None,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
    assignee: str | None = None,
    cipher: FieldCipher,
) -> list[dict[str, Any]]:
    """Newest first; ``limit + 1`` rows; only the leads assigned to ``assignee`` when one
    is given."""
    ld, p = leads, prospects
    erased = p.c.erased_at.is_not(None)
    email = func.coalesce(ld.c.contact_info["email"].astext, p.c.contact_info["email"].astext)
    query = (
        select(
            ld.c.id,
            ld.c.prospect_id,
            ld.c.campaign_id,
            ld.c.status,
            ld.c.assignee,
            _personal(p.c.name, erased).label("name"),
            _personal(p.c.title, erased).label("title"),
            _personal(p.c.company_name, erased).label("company"),
            _personal(email, erased).label("email"),
            ld.c.icp_match_score,
            ld.c.quality_score,
            ld.c.source,
            ld.c.created_at,
        )
        .select_from(ld.join(p, p.c.id == ld.c.prospect_id))
        .where(ld.c.team_id == team_id)
    )
    query = _lead_filters(query, campaign_id=campaign_id, status=status, assignee=assignee)
    query = newest_first(query, ld, limit=limit, after=after)
    rows = (await conn.execute(query)).mappings()
    return revealed(rows, cipher, team_id, person="prospect_id")  # stored encrypted


async def prospect_erased(
    conn: AsyncConnection, team_id: uuid.UUID, prospect_id: uuid.UUID
) -> bool | None:
    """Whether the team's prospect was erased; None if the team has no such prospect."""
    query = select(prospects.c.erased_at.is_not(None)).where(
        prospects.c.id == prospect_id, prospects.c.team_id == team_id
    )
    return (await conn.execute(query)).scalar_one_or_none()


def _lead_filters(
    query: Select, *, campaign_id: uuid.UUID | None, status: str | None, assignee: str | None
) -> Select:
    if campaign_id is not None:
        query = query.where(leads.c.campaign_id == campaign_id)
    if status is not None:
        query = query.where(leads.c.status == status)
    if assignee is not None:
        query = query.where(leads.c.assignee == assignee)
    return query


async def lead_count(
    conn: AsyncConnection,
    team_id: uuid.UUID,
    *,
    campaign_id: uuid.UUID | None,
    status: str | None,
    assignee: str | None,
) -> int:
    query = select(func.count()).select_from(leads).where(leads.c.team_id == team_id)
    query = _lead_filters(query, campaign_id=campaign_id, status=status, assignee=assignee)
    return (await conn.execute(query)).scalar_one()


async def lead_for_update(
    conn: AsyncConnection, team_id: uuid.UUID, lead_id: uuid.UUID
) -> RowMapping | None:
    """The team's lead (its prospect, assignee, status) and whether its person was erased."""
    query = (
        select(
            leads.c.prospect_id,
            leads.c.assignee,
            leads.c.status,
            prospects.c.erased_at.is_not(None).label("erased"),
        )
        .select_from(leads.join(prospects, prospects.c.id == leads.c.prospect_id))
        .where(leads.c.id == lead_id, leads.c.team_id == team_id)
    )
    return (await conn.execute(query)).mappings().one_or_none()


#: Buckets of the score distribution: [0, 0.1), [0.1, 0.2) ... [0.9, 1.0] (1.0 in the last).
SCORE_BUCKETS = 10


async def score_distribution(
    conn: AsyncConnection, team_id: uuid.UUID, campaign_id: uuid.UUID
) -> list[int]:
    """How many of the campaign's scored prospects fall in each tenth of the ICP match
    score (an aggregate: no person is named, so every reader of the campaign may see it)."""
    cp = campaign_prospects
    bucket = func.least(func.width_bucket(cp.c.icp_match_score, 0.0, 1.0, SCORE_BUCKETS), 10)
    query = (
        select(bucket.label("bucket"), func.count())
        .where(
            cp.c.campaign_id == campaign_id,
            cp.c.team_id == team_id,
            cp.c.icp_match_score.is_not(None),
        )
        .group_by(bucket)
    )
    counts = [0] * SCORE_BUCKETS
    for index, count in (await conn.execute(query)).all():
        counts[max(1, min(SCORE_BUCKETS, int(index))) - 1] += count
    return counts

"""campaign_prospects: a prospect's funnel stage, score and breakdown in one campaign."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from leadgen_common.contracts.events import ProspectStatus
from leadgen_common.db.schema import campaign_prospects, leads
from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from ..domain.completion import StatusCount
from ..domain.funnel import Stage
from ..domain.leads import ScoreRecord

_cp = campaign_prospects.c

#: Stage flag -> the column holding when it was counted.
_COUNTED = {
    "discovered": "counted_discovered_at",
    "enriched": "counted_enriched_at",
    "scored": "counted_scored_at",
}


def _key(campaign_id: uuid.UUID, prospect_id: uuid.UUID) -> Any:
    return and_(_cp.campaign_id == campaign_id, _cp.prospect_id == prospect_id)


def _stage(row: Row[Any]) -> Stage:
    return Stage(
        status=ProspectStatus(row.status),
        discovered=row.counted_discovered_at is not None,
        enriched=row.counted_enriched_at is not None,
        scored=row.counted_scored_at is not None,
        enrichment_skipped=row.enrichment_skipped,
    )


def _for_update(campaign_id: uuid.UUID, prospect_id: uuid.UUID) -> Any:
    return select(campaign_prospects).where(_key(campaign_id, prospect_id)).with_for_update()


async def lock(
    conn: AsyncConnection,
    *,
    campaign_id: uuid.UUID,
    prospect_id: uuid.UUID,
    team_id: uuid.UUID,
    platform: str,
) -> Stage:
    """The row's stage, locked for this transaction; created as 'new' if it is missing
    (any prospect event may be the first lead-writer sees). One statement: the upsert
    locks the row whether it inserted it or not."""
    stmt = insert(campaign_prospects).values(
        campaign_id=campaign_id, prospect_id=prospect_id, team_id=team_id, platform=platform
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[_cp.campaign_id, _cp.prospect_id], set_={"updated_at": func.now()}
    ).returning(campaign_prospects)
    return _stage((await conn.execute(stmt)).one())


async def lock_existing(
    conn: AsyncConnection, campaign_id: uuid.UUID, prospect_id: uuid.UUID
) -> tuple[Stage, uuid.UUID] | None:
    """The row's stage and team, locked; None if lead-writer never saw the prospect there."""
    row = (await conn.execute(_for_update(campaign_id, prospect_id))).first()
    return None if row is None else (_stage(row), row.team_id)


async def save(
    conn: AsyncConnection,
    campaign_id: uuid.UUID,
    prospect_id: uuid.UUID,
    before: Stage,
    after: Stage,
    fields: Mapping[str, Any] | None = None,
) -> None:
    """Write the stage (and any other ``fields``: rank, scores...) back."""
    values: dict[str, Any] = {
        "status": after.status.value,
        "enrichment_skipped": after.enrichment_skipped,
        "updated_at": func.now(),
        **(fields or {}),
    }
    for flag, column in _COUNTED.items():
        if getattr(after, flag) and not getattr(before, flag):
            values[column] = func.now()
    await conn.execute(
        update(campaign_prospects).where(_key(campaign_id, prospect_id)).values(**values)
    )


async def load_score(
    conn: AsyncConnection, campaign_id: uuid.UUID, prospect_id: uuid.UUID
) -> ScoreRecord:
    row = (
        await conn.execute(
            select(_cp.icp_match_score, _cp.quality_score, _cp.breakdown).where(
                _key(campaign_id, prospect_id)
            )
        )
    ).one()
    return ScoreRecord(row.icp_match_score, row.quality_score, row.breakdown)


async def any_in(
    conn: AsyncConnection, campaign_id: uuid.UUID, statuses: frozenset[ProspectStatus]
) -> bool:
    """Whether any prospect of the campaign has one of ``statuses`` (stops at the first)."""
    stmt = select(
        exists().where(_cp.campaign_id == campaign_id, _cp.status.in_([s.value for s in statuses]))
    )
    return bool((await conn.execute(stmt)).scalar())


async def status_counts(conn: AsyncConnection, campaign_id: uuid.UUID) -> list[StatusCount]:
    """Prospects of a campaign per status; for 'qualified', how many already are leads."""
    already_lead = exists().where(leads.c.prospect_id == _cp.prospect_id)
    stmt = (
        select(
            _cp.status,
            func.count(),
            func.count().filter(and_(_cp.status == ProspectStatus.QUALIFIED.value, already_lead)),
        )
        .where(_cp.campaign_id == campaign_id)
        .group_by(_cp.status)
    )
    return [
        StatusCount(ProspectStatus(status), count, leads_)
        for status, count, leads_ in (await conn.execute(stmt)).all()
    ]

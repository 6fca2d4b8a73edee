"""campaign_progress: a campaign's status, funnel counters, per-platform outcome, cost."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from leadgen_common.contracts.events import CampaignOptions, CampaignStatus
from leadgen_common.db.schema import campaign_progress
from sqlalchemy import Integer, Text, case, func, literal, literal_column, select, update
from sqlalchemy.dialects.postgresql import array, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from ..domain.completion import CampaignState
from ..domain.funnel import Counters

_cpg = campaign_progress.c
_EMPTY = literal_column("'{}'::jsonb")
_COUNTERS = [f.name for f in fields(Counters)]


@dataclass(frozen=True)
class Progress:
    """A campaign_progress row, locked by the transaction that read it."""

    campaign_id: uuid.UUID
    status: CampaignStatus
    options: dict[str, Any]
    discovered: int
    enriched: int
    scored: int
    discovery_finished: bool
    expected_discovered: int | None
    platforms: dict[str, Any]

    @property
    def auto_convert(self) -> bool:
        # Before campaign.started (or a prospect event) told the options: the contract default.
        return CampaignOptions.model_validate(self.options).auto_convert

    def completion_state(self) -> CampaignState:
        return CampaignState(
            status=self.status,
            discovery_finished=self.discovery_finished,
            discovered=self.discovered,
            enriched=self.enriched,
            scored=self.scored,
            expected_discovered=self.expected_discovered,
            auto_convert=self.auto_convert,
        )


def _for_update(campaign_id: uuid.UUID) -> Any:
    return select(campaign_progress).where(_cpg.campaign_id == campaign_id).with_for_update()


def _progress(row: Any) -> Progress:
    return Progress(
        campaign_id=row.campaign_id,
        status=CampaignStatus(row.status),
        options=row.options,
        discovered=row.discovered,
        enriched=row.enriched,
        scored=row.scored,
        discovery_finished=row.discovery_finished,
        expected_discovered=row.expected_discovered,
        platforms=row.platforms,
    )


async def lock(conn: AsyncConnection, campaign_id: uuid.UUID, team_id: uuid.UUID) -> Progress:
    """The campaign's row, locked; created (running, zero counters) if this is the first
    event of the campaign lead-writer sees: topics are consumed in no particular order.

    Every transaction that can change whether a campaign is complete takes this lock
    before deciding, so two of them never both miss the other's change."""
    await conn.execute(
        insert(campaign_progress)
        .values(campaign_id=campaign_id, team_id=team_id)
        .on_conflict_do_nothing()
    )
    return _progress((await conn.execute(_for_update(campaign_id))).one())


async def lock_existing(conn: AsyncConnection, campaign_id: uuid.UUID) -> Progress | None:
    row = (await conn.execute(_for_update(campaign_id))).first()
    return None if row is None else _progress(row)


async def update_row(conn: AsyncConnection, campaign_id: uuid.UUID, **values: Any) -> None:
    await conn.execute(
        update(campaign_progress)
        .where(_cpg.campaign_id == campaign_id)
        .values(updated_at=func.now(), **values)
    )


async def add(
    conn: AsyncConnection,
    campaign_id: uuid.UUID,
    team_id: uuid.UUID,
    counters: Counters,
    *,
    cost: Decimal = Decimal(0),
    options: CampaignOptions | None = None,
    discovered_on: Mapping[str, int] | None = None,
) -> Progress:
    """Add ``counters`` and ``cost`` to the campaign's row (created if missing) in one
    statement, which also locks the row; returns it as it now is.

    ``options`` fill in the campaign's options while campaign.started has not told them;
    ``discovered_on`` counts more prospects discovered, by platform."""
    found = {platform: n for platform, n in (discovered_on or {}).items() if n}
    stmt = insert(campaign_progress).values(
        campaign_id=campaign_id,
        team_id=team_id,
        cost_total=cost,
        options=options.model_dump(mode="json") if options else {},
        platforms={platform: {"discovered": n} for platform, n in found.items()},
        **{name: getattr(counters, name) for name in _COUNTERS},
    )
    new, old = stmt.excluded, _cpg
    changes: dict[str, Any] = {name: old[name] + new[name] for name in counters.changes()}
    if cost:
        changes["cost_total"] = old.cost_total + new.cost_total
    if options is not None:
        changes["options"] = case((old.options == _EMPTY, new.options), else_=old.options)
    if found:
        platforms: Any = old.platforms
        for platform, n in sorted(found.items()):
            platforms = _count_discovered(platforms, platform, n)
        changes["platforms"] = platforms
    stmt = stmt.on_conflict_do_update(
        index_elements=[old.campaign_id], set_={"updated_at": func.now(), **changes}
    ).returning(campaign_progress)
    return _progress((await conn.execute(stmt)).one())


def _count_discovered(platforms: Any, platform: str, n: int) -> Any:
    """``platforms[platform].discovered += n`` as a jsonb expression."""
    entry = func.coalesce(platforms[platform], _EMPTY)
    count = func.coalesce(platforms[(platform, "discovered")].astext.cast(Integer), 0) + n
    return func.jsonb_set(
        platforms,
        array([literal(platform, Text)]),
        entry.op("||")(func.jsonb_build_object("discovered", count)),
    )


async def record_start(
    conn: AsyncConnection, campaign_id: uuid.UUID, options: CampaignOptions, started_at: datetime
) -> None:
    await update_row(
        conn, campaign_id, options=options.model_dump(mode="json"), started_at=started_at
    )


async def mark_completed(conn: AsyncConnection, campaign_id: uuid.UUID) -> float:
    """Mark the campaign completed; returns how long it ran (started_at to now), seconds."""
    stmt = (
        update(campaign_progress)
        .where(_cpg.campaign_id == campaign_id)
        .values(
            status=CampaignStatus.COMPLETED.value, completed_at=func.now(), updated_at=func.now()
        )
        .returning(func.extract("epoch", _cpg.completed_at - _cpg.started_at))
    )
    return float((await conn.execute(stmt)).scalar_one())

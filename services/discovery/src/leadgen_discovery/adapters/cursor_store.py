"""discovery_cursors in Postgres: the control state, progress and lease of each campaign.

All rows of a campaign share its control status and lease; statements that touch several
rows lock them in (campaign_id, platform) order first, so concurrent claims, renewals
and control updates never deadlock. Lease times are the database's ``now()``, so replica
clocks do not matter.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from leadgen_common.contracts import Platform
from leadgen_common.contracts.events import CampaignOptions
from leadgen_common.db.schema import campaigns, discovery_cursors, discovery_seen
from sqlalchemy import and_, delete, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ..domain.cursors import (
    CampaignCursors,
    ControlStatus,
    Outcome,
    PlatformCursor,
)

t = discovery_cursors
seen_t = discovery_seen
_PLATFORM_ORDER = {platform: index for index, platform in enumerate(Platform)}


def _lease(seconds: float) -> Any:
    return func.now() + func.make_interval(0, 0, 0, 0, 0, 0, seconds)


_UNFINISHED = t.c.finished_at.is_(None)
_CLAIMABLE = and_(_UNFINISHED, or_(t.c.lease_until.is_(None), t.c.lease_until < func.now()))


async def _lock(conn: AsyncConnection, campaign_ids: Sequence[uuid.UUID]) -> None:
    await conn.execute(
        select(t.c.campaign_id)
        .where(t.c.campaign_id.in_(campaign_ids))
        .order_by(t.c.campaign_id, t.c.platform)
        .with_for_update()
    )


class SqlCursorStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def reachable(self) -> bool:
        """Readiness: the table answers this role."""
        async with self.engine.connect() as conn:
            await conn.execute(select(literal(1)).select_from(t).limit(1))
        return True

    async def requested_status(self, campaign_id: uuid.UUID) -> str | None:
        async with self.engine.connect() as conn:
            query = select(campaigns.c.requested_status).where(campaigns.c.id == campaign_id)
            return (await conn.execute(query)).scalar_one_or_none()

    async def create(self, state: CampaignCursors) -> bool:
        rows = [
            {
                "campaign_id": state.campaign_id,
                "platform": cursor.platform.value,
                "team_id": state.team_id,
                "status": state.status.value,
                "criteria": cursor.criteria,
                "warnings": cursor.warnings,
                "options": state.options.model_dump(mode="json"),
                "correlation_id": state.correlation_id,
                "started_event_id": state.started_event_id,
                "trace_context": state.trace_context,
                "outcome": cursor.outcome.value if cursor.outcome else None,
                "failure_reason": cursor.failure_reason,
            }
            for cursor in state.platforms
        ]
        statement = insert(t).values(rows).on_conflict_do_nothing().returning(t.c.platform)
        async with self.engine.begin() as conn:
            return bool((await conn.execute(statement)).all())

    async def load(self, campaign_id: uuid.UUID) -> CampaignCursors | None:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(t).where(t.c.campaign_id == campaign_id))).all()
        if not rows:
            return None
        rows = sorted(rows, key=lambda row: _PLATFORM_ORDER[Platform(row.platform)])
        first = rows[0]
        return CampaignCursors(
            campaign_id=campaign_id,
            team_id=first.team_id,
            status=ControlStatus(first.status),
            options=CampaignOptions.model_validate(first.options),
            correlation_id=first.correlation_id or str(campaign_id),
            started_event_id=first.started_event_id,
            owner=first.owner,
            finished=first.finished_at is not None,
            trace_context=first.trace_context or {},
            platforms=tuple(
                PlatformCursor(
                    platform=Platform(row.platform),
                    next_start=row.next_start,
                    discovered=row.discovered,
                    page_token=row.page_token,
                    criteria=row.criteria,
                    warnings=row.warnings,
                    outcome=Outcome(row.outcome) if row.outcome else None,
                    failure_reason=row.failure_reason,
                )
                for row in rows
            ),
        )

    async def set_status(
        self, campaign_id: uuid.UUID, allowed_from: set[ControlStatus], to: ControlStatus
    ) -> int:
        statement = (
            update(t)
            .where(
                t.c.campaign_id == campaign_id,
                _UNFINISHED,
                t.c.status.in_([status.value for status in allowed_from]),
            )
            .values(status=to.value, updated_at=func.now())
        )
        async with self.engine.begin() as conn:
            await _lock(conn, [campaign_id])
            return (await conn.execute(statement)).rowcount

    async def claim(self, owner: str, lease_s: float, limit: int) -> list[uuid.UUID]:
        candidates = (  # longest-waiting first
            select(t.c.campaign_id)
            .where(_CLAIMABLE)
            .group_by(t.c.campaign_id)
            .order_by(func.min(t.c.updated_at))
            .limit(limit)
        )
        async with self.engine.begin() as conn:
            ids = list((await conn.execute(candidates)).scalars())
            if not ids:
                return []
            await _lock(conn, ids)
            # Re-checked under the locks: a concurrent claimer may have taken some.
            claimed = await conn.execute(
                update(t)
                .where(t.c.campaign_id.in_(ids), _CLAIMABLE)
                .values(owner=owner, lease_until=_lease(lease_s))
                .returning(t.c.campaign_id)
            )
            return list(dict.fromkeys(claimed.scalars()))

    async def renew(
        self, owner: str, lease_s: float, campaign_ids: list[uuid.UUID]
    ) -> set[uuid.UUID]:
        async with self.engine.begin() as conn:
            await _lock(conn, campaign_ids)
            renewed = await conn.execute(
                update(t)
                .where(t.c.campaign_id.in_(campaign_ids), t.c.owner == owner, _UNFINISHED)
                .values(lease_until=_lease(lease_s))
                .returning(t.c.campaign_id)
            )
            return set(renewed.scalars())

    async def release(self, owner: str, campaign_ids: list[uuid.UUID]) -> None:
        async with self.engine.begin() as conn:
            await _lock(conn, campaign_ids)
            await conn.execute(
                update(t)
                .where(t.c.campaign_id.in_(campaign_ids), t.c.owner == owner)
                .values(owner=None, lease_until=None)
            )

    async def seen(
        self, team_id: uuid.UUID, campaign_id: uuid.UUID, prospect_ids: Iterable[uuid.UUID]
    ) -> set[uuid.UUID]:
        query = select(seen_t.c.prospect_id).where(
            seen_t.c.team_id == team_id,
            seen_t.c.campaign_id == campaign_id,
            seen_t.c.prospect_id.in_(list(prospect_ids)),
        )
        async with self.engine.connect() as conn:
            return set((await conn.execute(query)).scalars())

    async def advance(
        self,
        owner: str,
        campaign_id: uuid.UUID,
        platform: Platform,
        *,
        next_start: int,
        discovered: int,
        page_token: str | None = None,
        outcome: Outcome | None = None,
        failure_reason: str | None = None,
        published: Iterable[uuid.UUID] = (),
    ) -> bool:
        statement = (
            update(t)
            .where(
                t.c.campaign_id == campaign_id,
                t.c.platform == platform.value,
                t.c.owner == owner,
                _UNFINISHED,
            )
            .values(
                next_start=next_start,
                discovered=discovered,
                page_token=page_token,
                outcome=outcome.value if outcome else None,
                failure_reason=failure_reason,
                updated_at=func.now(),
            )
            .returning(t.c.team_id)
        )
        async with self.engine.begin() as conn:
            team_id = (await conn.execute(statement)).scalar_one_or_none()
            if team_id is None:
                return False  # the lease is gone: nothing of this page is recorded
            rows = [
                {"team_id": team_id, "campaign_id": campaign_id, "prospect_id": prospect_id}
                for prospect_id in published
            ]
            if rows:
                await conn.execute(insert(seen_t).values(rows).on_conflict_do_nothing())
            return True

    async def set_rate_limited(
        self, campaign_id: uuid.UUID, platform: Platform, until: datetime | None
    ) -> None:
        statement = (
            update(t)
            .where(t.c.campaign_id == campaign_id, t.c.platform == platform.value, _UNFINISHED)
            .values(rate_limited_until=until)
        )
        async with self.engine.begin() as conn:
            await conn.execute(statement)

    async def finish(self, owner: str, campaign_id: uuid.UUID) -> bool:
        async with self.engine.begin() as conn:
            await _lock(conn, [campaign_id])
            finished = await conn.execute(
                update(t)
                .where(t.c.campaign_id == campaign_id, t.c.owner == owner, _UNFINISHED)
                .values(
                    finished_at=func.now(), owner=None, lease_until=None, rate_limited_until=None
                )
                .returning(t.c.team_id)
            )
            team_ids = set(finished.scalars())
            if not team_ids:
                return False
            # Nothing pages the campaign any more: its seen set has done its job.
            await conn.execute(
                delete(seen_t).where(
                    seen_t.c.team_id.in_(team_ids), seen_t.c.campaign_id == campaign_id
                )
            )
            return True

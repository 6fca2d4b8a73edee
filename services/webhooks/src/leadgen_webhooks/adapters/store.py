"""The webhooks service's tables (webhook_deliveries, webhook_endpoint_states) and,
read-only, the gateway's webhook_registrations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadgen_common.db.schema import (
    webhook_deliveries,
    webhook_endpoint_states,
    webhook_registrations,
)
from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

_d, _s, _r = webhook_deliveries, webhook_endpoint_states, webhook_registrations


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: uuid.UUID
    team_id: uuid.UUID
    url: str
    secret: str  # encrypted, as stored
    enabled: bool
    enabled_at: datetime
    disabled_at: datetime | None  # the delivery side's, possibly voided by enabled_at
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Due:
    id: uuid.UUID
    team_id: uuid.UUID
    endpoint_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    body: str | None  # encrypted
    attempts: int  # before this one


_ENDPOINT_COLUMNS = (
    _r.c.id,
    _r.c.team_id,
    _r.c.url,
    _r.c.secret,
    _r.c.enabled,
    _r.c.enabled_at,
    _s.c.disabled_at,
    _r.c.created_at,
)


def _endpoint(row: Any) -> Endpoint:
    return Endpoint(**{k: row[k] for k in Endpoint.__slots__})


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def endpoints_for(self, team_id: uuid.UUID, event_type: str) -> list[Endpoint]:
        """The team's endpoints subscribed to ``event_type`` (active or not: the caller
        decides, so that one rule says what active means)."""
        query = (
            select(*_ENDPOINT_COLUMNS)
            .select_from(_r.outerjoin(_s, _s.c.endpoint_id == _r.c.id))
            .where(_r.c.team_id == team_id, _r.c.events.contains([event_type]))
        )
        async with self.engine.connect() as conn:
            return [_endpoint(r) for r in (await conn.execute(query)).mappings()]

    async def add(self, rows: list[dict[str, Any]]) -> int:
        """Insert deliveries, skipping any (endpoint, event) already there: a redelivered
        message adds nothing. Returns how many are new."""
        if not rows:
            return 0
        statement = (
            insert(_d)
            .values(rows)
            .on_conflict_do_nothing(index_elements=[_d.c.endpoint_id, _d.c.event_id])
            .returning(_d.c.id)
        )
        async with self.engine.begin() as conn:
            return len((await conn.execute(statement)).all())

    async def claim(
        self, limit: int, lease_s: float
    ) -> tuple[list[Due], dict[uuid.UUID, Endpoint]]:
        """Due pending deliveries, leased to this replica (their next attempt moves
        ``lease_s`` ahead, so another replica skips them and a dead one's come back), with
        their endpoints (absent: deleted). SKIP LOCKED: replicas never wait for each other."""
        claim = text(
            """
            UPDATE webhook_deliveries d
               SET next_attempt_at = now() + make_interval(secs => :lease), updated_at = now()
              FROM (SELECT id FROM webhook_deliveries
                     WHERE status = 'pending' AND next_attempt_at <= now()
                     ORDER BY next_attempt_at
                     LIMIT :limit
                     FOR UPDATE SKIP LOCKED) due
             WHERE d.id = due.id
         RETURNING d.id, d.team_id, d.endpoint_id, d.event_id, d.event_type, d.body, d.attempts
            """
        )
        async with self.engine.begin() as conn:
            rows = (await conn.execute(claim, {"lease": lease_s, "limit": limit})).mappings()
            due = [Due(**dict(r)) for r in rows]
            if not due:
                return [], {}
            query = (
                select(*_ENDPOINT_COLUMNS)
                .select_from(_r.outerjoin(_s, _s.c.endpoint_id == _r.c.id))
                .where(_r.c.id.in_({d.endpoint_id for d in due}))
            )
            endpoints = {r["id"]: _endpoint(r) for r in (await conn.execute(query)).mappings()}
        return due, endpoints

    async def delivered(self, due: Due, status: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                _d.update()
                .where(_d.c.id == due.id, _d.c.status == "pending")
                .values(
                    status="delivered",
                    attempts=due.attempts + 1,
                    last_status_code=status,
                    last_error=None,
                    delivered_at=func.now(),
                    body=None,
                    updated_at=func.now(),
                )
            )
            await self._set_failures(conn, due, 0, None)

    async def retry(self, due: Due, status: int | None, error: str | None, delay_s: float) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                _d.update()
                .where(_d.c.id == due.id, _d.c.status == "pending")
                .values(
                    attempts=due.attempts + 1,
                    last_status_code=status,
                    last_error=error,
                    next_attempt_at=func.now() + func.make_interval(0, 0, 0, 0, 0, 0, delay_s),
                    updated_at=func.now(),
                )
            )

    async def failed(
        self,
        due: Due,
        status: int | None,
        error: str | None,
        *,
        attempted: bool,
        endpoint: Endpoint | None,
        disable_after: int,
    ) -> bool:
        """The delivery is failed (body dropped). When it was attempted (not dropped for a
        gone, paused or disabled endpoint), it counts toward the endpoint's consecutive
        failures; reaching ``disable_after`` disables the endpoint and fails what else it
        had pending. Returns whether this disabled the endpoint."""
        async with self.engine.begin() as conn:
            await conn.execute(
                _d.update()
                .where(_d.c.id == due.id, _d.c.status == "pending")
                .values(
                    status="failed",
                    attempts=due.attempts + (1 if attempted else 0),
                    last_status_code=status,
                    last_error=error,
                    body=None,
                    updated_at=func.now(),
                )
            )
            if not attempted or endpoint is None:
                return False
            # The state row exists before it is locked: two deliveries of one endpoint
            # failing at once would otherwise both find no row, lock nothing, and both
            # count their failure as the first.
            await conn.execute(
                insert(_s)
                .values(endpoint_id=due.endpoint_id, team_id=due.team_id, consecutive_failures=0)
                .on_conflict_do_nothing(index_elements=[_s.c.endpoint_id])
            )
            state = (
                await conn.execute(
                    select(_s.c.consecutive_failures, _s.c.disabled_at)
                    .where(_s.c.endpoint_id == due.endpoint_id)
                    .with_for_update()
                )
            ).one_or_none()
            voided = state is not None and (
                state.disabled_at is not None and state.disabled_at <= endpoint.enabled_at
            )
            before = 0 if state is None or voided else state.consecutive_failures
            failures = before + 1
            disable = failures >= disable_after
            await self._set_failures(conn, due, failures, func.now() if disable else None)
            if disable:
                await conn.execute(
                    _d.update()
                    .where(_d.c.endpoint_id == due.endpoint_id, _d.c.status == "pending")
                    .values(
                        status="failed",
                        last_error="endpoint_disabled",
                        body=None,
                        updated_at=func.now(),
                    )
                )
            return disable

    async def _set_failures(
        self, conn: AsyncConnection, due: Due, failures: int, disabled_at: Any
    ) -> None:
        values = {"consecutive_failures": failures, "disabled_at": disabled_at}
        await conn.execute(
            insert(_s)
            .values(endpoint_id=due.endpoint_id, team_id=due.team_id, **values)
            .on_conflict_do_update(
                index_elements=[_s.c.endpoint_id], set_={**values, "updated_at": func.now()}
            )
        )

    async def forget(self, team_id: uuid.UUID, prospect_id: uuid.UUID) -> int:
        """Fail the person's pending deliveries and drop their bodies (an erasure)."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                _d.update()
                .where(
                    _d.c.team_id == team_id,
                    _d.c.prospect_id == prospect_id,
                    _d.c.status == "pending",
                )
                .values(
                    status="failed", last_error="prospect_erased", body=None, updated_at=func.now()
                )
            )
        return result.rowcount

    async def pending(self) -> int:
        async with self.engine.connect() as conn:
            query = select(func.count()).select_from(_d).where(_d.c.status == "pending")
            return (await conn.execute(query)).scalar_one()

"""webhook_registrations (the gateway's) and, read-only, what the webhooks service keeps
about each endpoint (webhook_endpoint_states) and its delivery log (webhook_deliveries)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from leadgen_common.db.schema import (
    webhook_deliveries,
    webhook_endpoint_states,
    webhook_registrations,
)
from sqlalchemy import RowMapping, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from .keyset import newest_first

_r, _s, _d = webhook_registrations, webhook_endpoint_states, webhook_deliveries


def _endpoint_query() -> Any:
    disabled = and_(_s.c.disabled_at.is_not(None), _s.c.disabled_at > _r.c.enabled_at)
    return select(
        _r.c.id,
        _r.c.url,
        _r.c.events,
        _r.c.description,
        _r.c.enabled,
        _r.c.enabled_at,
        _r.c.created_at,
        _r.c.updated_at,
        _r.c.created_by,
        func.coalesce(disabled, False).label("auto_disabled"),
        _s.c.disabled_at,
        # A disable the team lifted (enabled_at later) restarts the count.
        case(
            (and_(_s.c.disabled_at.is_not(None), _s.c.disabled_at <= _r.c.enabled_at), 0),
            else_=func.coalesce(_s.c.consecutive_failures, 0),
        ).label("consecutive_failures"),
    ).select_from(_r.outerjoin(_s, _s.c.endpoint_id == _r.c.id))


async def insert(
    conn: AsyncConnection,
    *,
    endpoint_id: uuid.UUID,
    team_id: uuid.UUID,
    url: str,
    secret: str,
    events: list[str],
    description: str | None,
    created_by: str,
) -> RowMapping:
    await conn.execute(
        _r.insert().values(
            id=endpoint_id,
            team_id=team_id,
            url=url,
            secret=secret,
            events=events,
            description=description,
            created_by=created_by,
        )
    )
    row = await get(conn, team_id, endpoint_id)
    assert row is not None
    return row


async def get(
    conn: AsyncConnection, team_id: uuid.UUID, endpoint_id: uuid.UUID
) -> RowMapping | None:
    query = _endpoint_query().where(_r.c.team_id == team_id, _r.c.id == endpoint_id)
    return (await conn.execute(query)).mappings().one_or_none()


async def page(
    conn: AsyncConnection,
    team_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> list[RowMapping]:
    """Newest first; ``limit + 1`` rows so the caller knows whether a next page exists."""
    query = _endpoint_query().where(_r.c.team_id == team_id)
    query = newest_first(query, _r, limit=limit, after=after)
    return list((await conn.execute(query)).mappings())


async def update(
    conn: AsyncConnection, team_id: uuid.UUID, endpoint_id: uuid.UUID, values: dict[str, Any]
) -> bool:
    """Set ``values``; ``enabled=True`` also moves ``enabled_at`` to now, which voids an
    automatic disable from before (the delivery side compares the two)."""
    if values.get("enabled") is True:
        values = {**values, "enabled_at": func.now()}
    result = await conn.execute(
        _r.update()
        .where(_r.c.team_id == team_id, _r.c.id == endpoint_id)
        .values(**values, updated_at=func.now())
    )
    return result.rowcount == 1


async def delete(conn: AsyncConnection, team_id: uuid.UUID, endpoint_id: uuid.UUID) -> bool:
    """The delivery service fails what is still pending for a deleted endpoint; its log
    stays readable to operators but not through the API (the endpoint is gone)."""
    result = await conn.execute(_r.delete().where(_r.c.team_id == team_id, _r.c.id == endpoint_id))
    return result.rowcount == 1


async def deliveries(
    conn: AsyncConnection,
    team_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> list[RowMapping]:
    """The endpoint's delivery log, newest first (never the body)."""
    query = select(
        _d.c.id,
        _d.c.event_id,
        _d.c.event_type,
        _d.c.status,
        _d.c.attempts,
        _d.c.next_attempt_at,
        _d.c.last_status_code,
        _d.c.last_error,
        _d.c.delivered_at,
        _d.c.created_at,
    ).where(_d.c.team_id == team_id, _d.c.endpoint_id == endpoint_id)
    query = newest_first(query, _d, limit=limit, after=after)
    return list((await conn.execute(query)).mappings())

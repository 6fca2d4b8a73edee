"""processed_events: event-level dedupe, in the same transaction as the effect."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from leadgen_common.db.schema import processed_events
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection


async def first_delivery(conn: AsyncConnection, consumer: str, event_id: uuid.UUID) -> bool:
    """Record ``event_id`` as processed by ``consumer``; False if it already was.

    A concurrent transaction holding the same key makes this wait for its outcome, so two
    replicas handed the same event after a rebalance apply it once."""
    stmt = (
        insert(processed_events)
        .values(consumer=consumer, event_id=event_id)
        .on_conflict_do_nothing()
        .returning(processed_events.c.event_id)
    )
    return (await conn.execute(stmt)).first() is not None


async def first_deliveries(
    conn: AsyncConnection, consumer: str, event_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """:func:`first_delivery` for many events in one statement: the ids not seen before."""
    if not event_ids:
        return set()
    stmt = (
        insert(processed_events)
        .values([{"consumer": consumer, "event_id": eid} for eid in sorted(set(event_ids))])
        .on_conflict_do_nothing()
        .returning(processed_events.c.event_id)
    )
    return set((await conn.execute(stmt)).scalars())

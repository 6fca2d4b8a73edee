"""outbox: events committed with the rows they describe, published later by the relay.

Each row's headers hold the trace context of the event that caused it (W3C
``traceparent``), so the relay's later publish continues that event's trace."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from leadgen_common import kafka_tracing
from leadgen_common.contracts import Envelope, encode, message_key
from leadgen_common.db.schema import outbox
from sqlalchemy import Text, cast, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

_ob = outbox.c
HEADERS = {"content-type": "application/json"}


@dataclass(frozen=True)
class Backlog:
    """What the relay has still to publish."""

    rows: int
    oldest_age_s: float
    """Age of the oldest unpublished row; 0 when there is none."""


@dataclass(frozen=True)
class OutboxMessage:
    """One row to publish: ``body`` is the stored envelope; a re-publish sends the same
    bytes, so the event keeps its ``event_id``."""

    id: int
    event_id: uuid.UUID
    topic: str
    key: str | None
    body: bytes
    headers: dict[str, str]
    campaign_id: uuid.UUID | None


def _campaign_of_row() -> Any:
    return _ob.payload["campaign_id"].astext


async def add(conn: AsyncConnection, envelope: Envelope[Any]) -> None:
    await conn.execute(
        outbox.insert().values(
            event_id=envelope.event_id,
            topic=envelope.event_type,
            key=message_key(envelope).decode(),
            payload=json.loads(encode(envelope)),
            headers={**HEADERS, **kafka_tracing.carrier(kafka_tracing.parent_of(envelope))},
        )
    )


async def claim(conn: AsyncConnection, limit: int) -> list[OutboxMessage]:
    """The oldest unpublished rows, locked; rows another relay holds are skipped, so
    replicas never publish the same row at the same time."""
    stmt = (
        select(
            _ob.id,
            _ob.event_id,
            _ob.topic,
            _ob.key,
            cast(_ob.payload, Text),  # jsonb's canonical text: the same bytes every time
            _ob.headers,
            _campaign_of_row(),
        )
        .where(_ob.published_at.is_(None))
        .order_by(_ob.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [
        OutboxMessage(
            id=row[0],
            event_id=row[1],
            topic=row[2],
            key=row[3],
            body=row[4].encode(),
            headers=row[5],
            campaign_id=uuid.UUID(row[6]) if row[6] else None,
        )
        for row in (await conn.execute(stmt)).all()
    ]


async def mark_published(conn: AsyncConnection, ids: Sequence[int]) -> None:
    await conn.execute(update(outbox).where(_ob.id.in_(ids)).values(published_at=func.now()))


async def has_unpublished(conn: AsyncConnection, campaign_id: uuid.UUID) -> bool:
    stmt = select(
        exists().where(_ob.published_at.is_(None), _campaign_of_row() == str(campaign_id))
    )
    return bool((await conn.execute(stmt)).scalar())


async def backlog(conn: AsyncConnection) -> Backlog:
    """Unpublished rows and the oldest one's age, both from the partial index's rows."""
    oldest = (
        select(_ob.created_at)
        .where(_ob.published_at.is_(None))
        .order_by(_ob.id)
        .limit(1)
        .scalar_subquery()
    )
    stmt = select(
        select(func.count())
        .where(_ob.published_at.is_(None))
        .select_from(outbox)
        .scalar_subquery(),
        func.coalesce(func.extract("epoch", func.now() - oldest), 0),
    )
    rows, age = (await conn.execute(stmt)).one()
    return Backlog(rows=int(rows), oldest_age_s=max(float(age), 0.0))

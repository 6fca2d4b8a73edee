"""On-demand enrichment, as the gateway reads it: which prospects a team has (lead-writer's
prospects) and how enrichment's jobs progress (enrichment_jobs, enrichment_job_items).
The gateway only reads these; every query is scoped by team."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from leadgen_common.db.schema import enrichment_job_items, enrichment_jobs, prospects
from sqlalchemy import RowMapping, select
from sqlalchemy.ext.asyncio import AsyncConnection


async def known_prospects(
    conn: AsyncConnection, team_id: uuid.UUID, prospect_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Those of ``prospect_ids`` that are prospects of the team (erased ones included)."""
    query = select(prospects.c.id).where(
        prospects.c.team_id == team_id, prospects.c.id.in_(list(prospect_ids))
    )
    return set((await conn.execute(query)).scalars())


async def job(conn: AsyncConnection, team_id: uuid.UUID, job_id: uuid.UUID) -> RowMapping | None:
    query = select(enrichment_jobs).where(
        enrichment_jobs.c.id == job_id, enrichment_jobs.c.team_id == team_id
    )
    return (await conn.execute(query)).mappings().one_or_none()


async def items(conn: AsyncConnection, team_id: uuid.UUID, job_id: uuid.UUID) -> list[RowMapping]:
    query = (
        select(
            enrichment_job_items.c.prospect_id,
            enrichment_job_items.c.status,
            enrichment_job_items.c.error,
        )
        .where(enrichment_job_items.c.job_id == job_id, enrichment_job_items.c.team_id == team_id)
        .order_by(enrichment_job_items.c.created_at, enrichment_job_items.c.prospect_id)
    )
    return list((await conn.execute(query)).mappings())

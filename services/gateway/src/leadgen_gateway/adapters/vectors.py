"""Semantic search over scoring's vector tables (prospect_vectors, icp_vectors), read
through the gateway's read grant. Every query is scoped by team, and a neighbour search
compares only vectors of one embedding model (a vector space of its own).

Nearest neighbours use the HNSW cosine index with pgvector's iterative scan, so the
team filter still yields ``limit`` rows when the index's first candidates belong to
other teams.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from leadgen_common.db.schema import icp_vectors, prospect_vectors, prospects
from sqlalchemy import Row, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

#: pgvector >= 0.8: keep scanning the index until enough rows pass the filters.
_ITERATIVE_SCAN = "SET LOCAL hnsw.iterative_scan = strict_order"


async def icp_vector(conn: AsyncConnection, team_id: uuid.UUID, icp_id: uuid.UUID) -> Row | None:
    """(model, embedding) of the ICP's most recently stored vector (its latest campaign)."""
    query = (
        select(icp_vectors.c.model, icp_vectors.c.embedding)
        .where(icp_vectors.c.team_id == team_id, icp_vectors.c.icp_id == icp_id)
        .order_by(icp_vectors.c.updated_at.desc())
        .limit(1)
    )
    return (await conn.execute(query)).one_or_none()


async def prospect_vector(
    conn: AsyncConnection, team_id: uuid.UUID, prospect_id: uuid.UUID
) -> Row | None:
    """(model, embedding) of the prospect's most recently stored vector."""
    query = (
        select(prospect_vectors.c.model, prospect_vectors.c.embedding)
        .where(prospect_vectors.c.team_id == team_id, prospect_vectors.c.prospect_id == prospect_id)
        .order_by(prospect_vectors.c.updated_at.desc())
        .limit(1)
    )
    return (await conn.execute(query)).one_or_none()


async def nearest_prospects(
    conn: AsyncConnection,
    team_id: uuid.UUID,
    model: str,
    vector: Sequence[float],
    limit: int,
    exclude: uuid.UUID | None = None,
) -> list[Row]:
    """The team's prospects nearest to ``vector``, most similar first; erased people are
    left out. Must run inside a transaction (the scan setting is transaction-local)."""
    pv, p = prospect_vectors, prospects
    distance = pv.c.embedding.cosine_distance(vector)
    query = (
        select(
            pv.c.prospect_id,
            (1.0 - distance).label("similarity"),
            p.c.platform,
            p.c.name,
            p.c.title,
            p.c.company_name,
            p.c.location,
        )
        .select_from(pv.join(p, p.c.id == pv.c.prospect_id))
        .where(
            pv.c.team_id == team_id,
            pv.c.model == model,
            p.c.team_id == team_id,
            p.c.erased_at.is_(None),
        )
        .order_by(distance)
        .limit(limit)
    )
    if exclude is not None:
        query = query.where(pv.c.prospect_id != exclude)
    await conn.execute(text(_ITERATIVE_SCAN))
    return list((await conn.execute(query)).all())


async def prospect_exists(
    conn: AsyncConnection, team_id: uuid.UUID, prospect_id: uuid.UUID
) -> bool:
    query = select(prospects.c.id).where(
        prospects.c.id == prospect_id, prospects.c.team_id == team_id
    )
    return (await conn.execute(query)).first() is not None

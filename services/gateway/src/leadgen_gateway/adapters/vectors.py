"""Semantic search over scoring's vectors, behind one small interface (:class:`VectorSearch`)
with two implementations, chosen as scoring chooses its store: pgvector (the default,
scoring's tables ``prospect_vectors`` and ``icp_vectors`` read through the gateway's read
grant, here) and Pinecone when PINECONE_API_KEY is set (``vectors_pinecone``). Every
search is scoped by team and compares only vectors of one embedding model (a vector space
of its own); the people found are described from lead-writer's ``prospects``, erased
people left out.

Nearest neighbours in pgvector use the HNSW cosine index with pgvector's iterative scan,
so the team filter still yields ``limit`` rows when the index's first candidates belong to
other teams.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from leadgen_common.auth import Principal
from leadgen_common.db.schema import icp_vectors, prospect_vectors, prospects
from sqlalchemy import Row, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from .database import Database

#: pgvector >= 0.8: keep scanning the index until enough rows pass the filters.
_ITERATIVE_SCAN = "SET LOCAL hnsw.iterative_scan = strict_order"


@dataclass(frozen=True, slots=True)
class Basis:
    """The vector a search starts from, and the model whose space it is in."""

    model: str
    embedding: Sequence[float]


@dataclass(frozen=True, slots=True)
class Similar:
    """A prospect found, with its cosine similarity to the basis."""

    prospect_id: uuid.UUID
    similarity: float
    platform: str
    name: str | None
    title: str | None
    company_name: str | None
    location: str | None


class VectorSearch(Protocol):
    async def icp_basis(self, who: Principal, icp_id: uuid.UUID) -> Basis | None:
        """The ICP's vector as of the latest campaign started with it, or None."""
        ...

    async def prospect_basis(self, who: Principal, prospect_id: uuid.UUID) -> Basis | None:
        """The prospect's most recently stored vector, or None."""
        ...

    async def nearest(
        self, who: Principal, basis: Basis, limit: int, exclude: uuid.UUID | None = None
    ) -> list[Similar]:
        """Up to ``limit`` of the team's prospects nearest to the basis, most similar first."""
        ...

    async def close(self) -> None: ...


class PgVectorSearch:
    """Scoring's pgvector tables (the default store)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def icp_basis(self, who: Principal, icp_id: uuid.UUID) -> Basis | None:
        async with self.db.transaction(who) as conn:
            row = await icp_vector(conn, who.team_id, icp_id)
        return None if row is None else Basis(row.model, row.embedding)

    async def prospect_basis(self, who: Principal, prospect_id: uuid.UUID) -> Basis | None:
        async with self.db.transaction(who) as conn:
            row = await prospect_vector(conn, who.team_id, prospect_id)
        return None if row is None else Basis(row.model, row.embedding)

    async def nearest(
        self, who: Principal, basis: Basis, limit: int, exclude: uuid.UUID | None = None
    ) -> list[Similar]:
        async with self.db.transaction(who) as conn:
            rows = await nearest_prospects(
                conn, who.team_id, basis.model, basis.embedding, limit, exclude
            )
        return [Similar(**row._mapping) for row in rows]

    async def close(self) -> None:
        return None


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


async def described(
    conn: AsyncConnection, team_id: uuid.UUID, ranked: Sequence[tuple[uuid.UUID, float]]
) -> list[Similar]:
    """``ranked`` (prospect id, similarity) described from ``prospects``, in that order;
    erased people and ids the team has no prospect for are left out."""
    if not ranked:
        return []
    p = prospects
    query = select(p.c.id, p.c.platform, p.c.name, p.c.title, p.c.company_name, p.c.location).where(
        p.c.team_id == team_id,
        p.c.id.in_([prospect_id for prospect_id, _ in ranked]),
        p.c.erased_at.is_(None),
    )
    found = {row.id: row for row in (await conn.execute(query)).all()}
    return [
        Similar(
            prospect_id=prospect_id,
            similarity=similarity,
            platform=row.platform,
            name=row.name,
            title=row.title,
            company_name=row.company_name,
            location=row.location,
        )
        for prospect_id, similarity in ranked
        if (row := found.get(prospect_id)) is not None
    ]


async def prospect_exists(
    conn: AsyncConnection, team_id: uuid.UUID, prospect_id: uuid.UUID
) -> bool:
    query = select(prospects.c.id).where(
        prospects.c.id == prospect_id, prospects.c.team_id == team_id
    )
    return (await conn.execute(query)).first() is not None

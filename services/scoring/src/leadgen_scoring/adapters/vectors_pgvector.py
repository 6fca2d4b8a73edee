"""Vectors in Postgres with pgvector (the default store): scoring's own prospect_vectors
and icp_vectors, the team as the namespace (every query names team_id and model).

Nearest-neighbour queries use the HNSW cosine index with pgvector's iterative scan, so
a filter on one team still returns ``limit`` rows when the index's first candidates
belong to other teams.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from leadgen_common.db.schema import icp_vectors, prospect_vectors
from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from ..ports import IcpVector, Neighbour, ProspectVector

#: Keep scanning the HNSW index until enough rows pass the team filter (pgvector >= 0.8).
ITERATIVE_SCAN = "SET LOCAL hnsw.iterative_scan = strict_order"


class PgVectorStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def upsert_icp(self, icp: IcpVector) -> None:
        statement = insert(icp_vectors).values(
            campaign_id=icp.campaign_id,
            team_id=icp.team_id,
            icp_id=icp.icp_id,
            model=icp.model,
            embedding=list(icp.vector),
        )
        statement = statement.on_conflict_do_update(
            index_elements=[icp_vectors.c.campaign_id, icp_vectors.c.model],
            set_={"embedding": statement.excluded.embedding, "updated_at": func.now()},
        )
        async with self.engine.begin() as conn:
            await conn.execute(statement)

    async def upsert_prospects(self, prospects: Sequence[ProspectVector]) -> None:
        if not prospects:
            return
        latest = {(p.prospect_id, p.model): p for p in prospects}  # one row per key
        statement = insert(prospect_vectors).values(
            [
                {
                    "prospect_id": p.prospect_id,
                    "team_id": p.team_id,
                    "model": p.model,
                    "embedding": list(p.vector),
                }
                for p in latest.values()
            ]
        )
        statement = statement.on_conflict_do_update(
            index_elements=[prospect_vectors.c.prospect_id, prospect_vectors.c.model],
            set_={"embedding": statement.excluded.embedding, "updated_at": func.now()},
        )
        async with self.engine.begin() as conn:
            await conn.execute(statement)

    async def prospect_vector(
        self, team_id: uuid.UUID, prospect_id: uuid.UUID, model: str
    ) -> list[float] | None:
        query = select(prospect_vectors.c.embedding).where(
            prospect_vectors.c.team_id == team_id,
            prospect_vectors.c.prospect_id == prospect_id,
            prospect_vectors.c.model == model,
        )
        async with self.engine.connect() as conn:
            return (await conn.execute(query)).scalar_one_or_none()

    async def nearest_prospects(
        self,
        team_id: uuid.UUID,
        model: str,
        vector: Sequence[float],
        limit: int,
        exclude: uuid.UUID | None = None,
    ) -> list[Neighbour]:
        distance = prospect_vectors.c.embedding.cosine_distance(vector)
        query = (
            select(prospect_vectors.c.prospect_id, distance.label("distance"))
            .where(prospect_vectors.c.team_id == team_id, prospect_vectors.c.model == model)
            .order_by(distance)
            .limit(limit)
        )
        if exclude is not None:
            query = query.where(prospect_vectors.c.prospect_id != exclude)
        async with self.engine.begin() as conn:
            await conn.execute(text(ITERATIVE_SCAN))  # transaction-local
            rows = (await conn.execute(query)).all()
        return [Neighbour(row.prospect_id, round(1.0 - row.distance, 6)) for row in rows]

    async def delete_prospect(self, team_id: uuid.UUID, prospect_id: uuid.UUID) -> None:
        statement = delete(prospect_vectors).where(
            prospect_vectors.c.team_id == team_id, prospect_vectors.c.prospect_id == prospect_id
        )
        async with self.engine.begin() as conn:
            await conn.execute(statement)

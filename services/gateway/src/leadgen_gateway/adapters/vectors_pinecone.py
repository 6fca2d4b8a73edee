"""Semantic search when scoring keeps its vectors in Pinecone (PINECONE_API_KEY set), with
the official SDK's async data-plane client, reading by ``leadgen_common.pinecone_scheme``
(the scheme scoring writes by): the team's namespace, the basis vector found by metadata
(an ICP's vectors of every campaign and model, or a prospect's of every model: the latest
stored wins), then a query for prospect vectors of the basis's model. Who the neighbours
are comes from lead-writer's ``prospects`` in Postgres. Calls used: fetch_by_metadata and
query.
"""

from __future__ import annotations

import uuid
from typing import Any

from leadgen_common.auth import Principal
from leadgen_common.pinecone_scheme import (
    icp_filter,
    latest,
    namespace,
    neighbours_filter,
    prospect_filter,
)
from pinecone import AsyncIndex

from .database import Database
from .vectors import Basis, Similar, described

#: Vectors per fetch_by_metadata page (an ICP has one per campaign and model).
FETCH_PAGE = 100
#: Neighbours asked for per one returned: room for vectors whose prospect was erased (or
#: is not projected yet), which Postgres then leaves out.
OVERFETCH = 2


class PineconeVectorSearch:
    def __init__(self, api_key: str, host: str, db: Database, *, timeout_s: float = 10.0) -> None:
        self.index = AsyncIndex(host=host, api_key=api_key, timeout=timeout_s)
        self.db = db

    async def icp_basis(self, who: Principal, icp_id: uuid.UUID) -> Basis | None:
        return await self._latest(who.team_id, icp_filter(icp_id))

    async def prospect_basis(self, who: Principal, prospect_id: uuid.UUID) -> Basis | None:
        return await self._latest(who.team_id, prospect_filter(prospect_id))

    async def nearest(
        self, who: Principal, basis: Basis, limit: int, exclude: uuid.UUID | None = None
    ) -> list[Similar]:
        result = await self.index.query(
            top_k=limit * OVERFETCH,
            vector=[float(x) for x in basis.embedding],
            namespace=namespace(who.team_id),
            filter=neighbours_filter(basis.model, exclude),
            include_metadata=True,
        )
        ranked = [
            (uuid.UUID(match.metadata["prospect_id"]), float(match.score))
            for match in result.matches
            if match.metadata and "prospect_id" in match.metadata
        ]
        async with self.db.transaction(who) as conn:
            found = await described(conn, who.team_id, ranked)
        return found[:limit]

    async def _latest(self, team_id: uuid.UUID, where: dict[str, Any]) -> Basis | None:
        records: dict[str, Any] = {}
        token: str | None = None
        while True:
            page = await self.index.fetch_by_metadata(
                filter=where, namespace=namespace(team_id), limit=FETCH_PAGE,
                pagination_token=token,
            )  # fmt: skip
            records.update(page.vectors)
            token = page.pagination.next if page.pagination else None
            if not token:
                break
        chosen = latest({record_id: v.metadata for record_id, v in records.items()})
        if chosen is None:
            return None
        record = records[chosen]
        return Basis(str((record.metadata or {}).get("model", "")), list(record.values))

    async def close(self) -> None:
        await self.index.close()

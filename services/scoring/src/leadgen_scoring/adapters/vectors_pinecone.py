"""Vectors in Pinecone (used when PINECONE_API_KEY is set), through the official SDK's
async data-plane client, in a cosine index of the embedder's dimension. Namespaces,
record ids, metadata and filters follow ``leadgen_common.pinecone_scheme``, which the
gateway's similar routes read by too. Calls used: upsert, query, fetch and delete.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any

from leadgen_common.pinecone_scheme import (
    icp_metadata,
    icp_record_id,
    namespace,
    neighbours_filter,
    prospect_filter,
    prospect_metadata,
    prospect_record_id,
)
from pinecone import AsyncIndex

from ..ports import IcpVector, Neighbour, ProspectVector

#: Vectors per upsert request (Pinecone recommends at most 1,000; 384 floats each stays
#: well under the request size cap).
UPSERT_BATCH = 500


class PineconeVectorStore:
    def __init__(self, api_key: str, host: str, *, timeout_s: float = 10.0) -> None:
        self.index = AsyncIndex(host=host, api_key=api_key, timeout=timeout_s)

    async def upsert_icp(self, icp: IcpVector) -> None:
        record = {
            "id": icp_record_id(icp.campaign_id, icp.model),
            "values": [float(x) for x in icp.vector],
            "metadata": icp_metadata(icp.icp_id, icp.campaign_id, icp.model, time.time()),
        }
        await self.index.upsert(vectors=[record], namespace=namespace(icp.team_id))

    async def upsert_prospects(self, prospects: Sequence[ProspectVector]) -> None:
        by_team: dict[uuid.UUID, list[dict[str, Any]]] = {}
        stored_at = time.time()
        for p in prospects:
            by_team.setdefault(p.team_id, []).append(
                {
                    "id": prospect_record_id(p.prospect_id, p.model),
                    "values": [float(x) for x in p.vector],
                    "metadata": prospect_metadata(p.prospect_id, p.model, stored_at),
                }
            )
        for team_id, records in by_team.items():
            for start in range(0, len(records), UPSERT_BATCH):
                await self.index.upsert(
                    vectors=records[start : start + UPSERT_BATCH], namespace=namespace(team_id)
                )

    async def prospect_vector(
        self, team_id: uuid.UUID, prospect_id: uuid.UUID, model: str
    ) -> list[float] | None:
        record_id = prospect_record_id(prospect_id, model)
        found = await self.index.fetch(ids=[record_id], namespace=namespace(team_id))
        vector = found.vectors.get(record_id)
        return None if vector is None else list(vector.values)

    async def nearest_prospects(
        self,
        team_id: uuid.UUID,
        model: str,
        vector: Sequence[float],
        limit: int,
        exclude: uuid.UUID | None = None,
    ) -> list[Neighbour]:
        result = await self.index.query(
            top_k=limit,
            vector=[float(x) for x in vector],
            namespace=namespace(team_id),
            filter=neighbours_filter(model, exclude),
            include_metadata=True,
        )
        return [
            Neighbour(uuid.UUID(match.metadata["prospect_id"]), round(match.score, 6))
            for match in result.matches
            if match.metadata and "prospect_id" in match.metadata
        ]

    async def delete_prospect(self, team_id: uuid.UUID, prospect_id: uuid.UUID) -> None:
        # By metadata, so the vectors of every model the prospect was embedded with go.
        await self.index.delete(filter=prospect_filter(prospect_id), namespace=namespace(team_id))

    async def close(self) -> None:
        await self.index.close()

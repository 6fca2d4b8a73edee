"""Vectors in Pinecone (used when PINECONE_API_KEY is set), through the official SDK's
async data-plane client: one namespace per team (spec §1.2), a cosine index of the
embedder's dimension.

Record ids say what a vector is of and in which model's space ("prospect:{id}:{model}",
"icp:{campaign}:{model}"); metadata repeats that (kind, model, prospect_id or icp_id and
campaign_id) so queries filter on it: a prospect search never returns an ICP vector or a
vector of another model. Calls used: upsert, query, fetch and delete.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from pinecone import AsyncIndex

from ..ports import IcpVector, Neighbour, ProspectVector

#: Vectors per upsert request (Pinecone recommends at most 1,000; 384 floats each stays
#: well under the request size cap).
UPSERT_BATCH = 500


def namespace(team_id: uuid.UUID) -> str:
    return str(team_id)


def prospect_record_id(prospect_id: uuid.UUID, model: str) -> str:
    return f"prospect:{prospect_id}:{model}"


def icp_record_id(campaign_id: uuid.UUID, model: str) -> str:
    return f"icp:{campaign_id}:{model}"


class PineconeVectorStore:
    def __init__(self, api_key: str, host: str, *, timeout_s: float = 10.0) -> None:
        self.index = AsyncIndex(host=host, api_key=api_key, timeout=timeout_s)

    async def upsert_icp(self, icp: IcpVector) -> None:
        record = {
            "id": icp_record_id(icp.campaign_id, icp.model),
            "values": [float(x) for x in icp.vector],
            "metadata": {
                "kind": "icp",
                "model": icp.model,
                "icp_id": str(icp.icp_id),
                "campaign_id": str(icp.campaign_id),
            },
        }
        await self.index.upsert(vectors=[record], namespace=namespace(icp.team_id))

    async def upsert_prospects(self, prospects: Sequence[ProspectVector]) -> None:
        by_team: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for p in prospects:
            by_team.setdefault(p.team_id, []).append(
                {
                    "id": prospect_record_id(p.prospect_id, p.model),
                    "values": [float(x) for x in p.vector],
                    "metadata": {
                        "kind": "prospect",
                        "model": p.model,
                        "prospect_id": str(p.prospect_id),
                    },
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
        conditions: list[dict[str, Any]] = [
            {"kind": {"$eq": "prospect"}},
            {"model": {"$eq": model}},
        ]
        if exclude is not None:
            conditions.append({"prospect_id": {"$ne": str(exclude)}})
        result = await self.index.query(
            top_k=limit,
            vector=[float(x) for x in vector],
            namespace=namespace(team_id),
            filter={"$and": conditions},
            include_metadata=True,
        )
        return [
            Neighbour(uuid.UUID(match.metadata["prospect_id"]), round(match.score, 6))
            for match in result.matches
            if match.metadata and "prospect_id" in match.metadata
        ]

    async def delete_prospect(self, team_id: uuid.UUID, prospect_id: uuid.UUID) -> None:
        # By metadata, so the vectors of every model the prospect was embedded with go.
        await self.index.delete(
            filter={"prospect_id": {"$eq": str(prospect_id)}}, namespace=namespace(team_id)
        )

    async def close(self) -> None:
        await self.index.close()

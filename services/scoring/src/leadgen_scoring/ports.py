"""The edges the handlers need, as small protocols (tests pass fakes)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from leadgen_common.contracts import Icp


class CampaignIcpRepository(Protocol):
    async def save(self, campaign_id: uuid.UUID, team_id: uuid.UUID, icp: Icp) -> None:
        """Keep the ICP snapshot a campaign started with (a repeat changes nothing)."""
        ...

    async def get(self, campaign_id: uuid.UUID, team_id: uuid.UUID) -> Icp | None:
        """The campaign's ICP, or None when it is not known (yet)."""
        ...


class Embedder(Protocol):
    """Texts -> unit-length vectors. ``model`` names the vector space: vectors of
    different models are never compared, and the vector store keeps it with each one."""

    model: str
    dimension: int

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One float32 row of length ``dimension`` per text, each L2-normalised."""
        ...


@dataclass(frozen=True, slots=True)
class ProspectVector:
    team_id: uuid.UUID
    prospect_id: uuid.UUID
    model: str
    vector: Sequence[float]


@dataclass(frozen=True, slots=True)
class IcpVector:
    team_id: uuid.UUID
    campaign_id: uuid.UUID
    icp_id: uuid.UUID
    model: str
    vector: Sequence[float]


@dataclass(frozen=True, slots=True)
class Neighbour:
    prospect_id: uuid.UUID
    similarity: float  # cosine similarity, 1.0 for the same direction


class VectorStore(Protocol):
    """Vectors per team (pgvector rows scoped by team_id, or a Pinecone namespace)."""

    async def upsert_icp(self, icp: IcpVector) -> None:
        """Keep a campaign's ICP vector (a repeat overwrites it with the same value)."""
        ...

    async def upsert_prospects(self, prospects: Sequence[ProspectVector]) -> None:
        """Keep many prospect vectors in one round trip."""
        ...

    async def prospect_vector(
        self, team_id: uuid.UUID, prospect_id: uuid.UUID, model: str
    ) -> list[float] | None:
        """The stored vector of one prospect, or None."""
        ...

    async def nearest_prospects(
        self,
        team_id: uuid.UUID,
        model: str,
        vector: Sequence[float],
        limit: int,
        exclude: uuid.UUID | None = None,
    ) -> list[Neighbour]:
        """The team's prospects nearest to ``vector`` by cosine, most similar first."""
        ...

    async def delete_prospect(self, team_id: uuid.UUID, prospect_id: uuid.UUID) -> None:
        """Forget a prospect's vectors (erasure); nothing stored is fine."""
        ...

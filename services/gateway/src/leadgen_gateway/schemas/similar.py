"""Bodies of the semantic-search routes (GET /icps/{id}/similar, /prospects/{id}/similar)."""

from __future__ import annotations

import uuid

from leadgen_common.contracts import Platform
from pydantic import Field

from .common import CamelModel


class SimilarProspect(CamelModel):
    prospect_id: uuid.UUID
    similarity: float = Field(description="Cosine similarity of the profile texts' vectors.")
    platform: Platform
    name: str | None
    title: str | None
    company: str | None
    location: str | None


class SimilarProspects(CamelModel):
    model: str = Field(description="Embedding model whose vectors were compared.")
    items: list[SimilarProspect] = Field(description="Most similar first.")

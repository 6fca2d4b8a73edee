"""The embedding side of scoring: texts (domain.texts) -> vectors (Embedder) -> stored
(VectorStore) and compared (cosine of unit vectors) -> a Similarity the pure domain
scores with.

A batch of prospects costs one embedder call for all their profile texts; the ICP texts
each dimension compares with are embedded once per campaign and then come from the
embedder's cache.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from leadgen_common.contracts import Icp, ProspectProfile

from .domain import NO_SIMILARITY, Similarity
from .domain.similarity import MINILM_CALIBRATION, Calibration, Dimension, SemanticMatch
from .domain.texts import comparison_texts, icp_text, profile_text
from .metrics import EMBED_SECONDS
from .ports import Embedder, IcpVector, ProspectVector, VectorStore


@dataclass(frozen=True, slots=True)
class ToCompare:
    team_id: uuid.UUID
    campaign_id: uuid.UUID
    prospect_id: uuid.UUID
    profile: ProspectProfile
    icp: Icp  # the campaign's


class SemanticScoring:
    def __init__(
        self,
        embedder: Embedder,
        store: VectorStore,
        calibration: Mapping[Dimension, Calibration] = MINILM_CALIBRATION,
    ) -> None:
        self.embedder = embedder
        self.store = store
        self.calibration = calibration

    async def store_icp(
        self, team_id: uuid.UUID, campaign_id: uuid.UUID, icp_id: uuid.UUID, icp: Icp
    ) -> None:
        [vector] = await self.embedder.embed([icp_text(icp)])
        await self.store.upsert_icp(
            IcpVector(team_id, campaign_id, icp_id, self.embedder.model, vector.tolist())
        )

    async def compare(self, items: Sequence[ToCompare]) -> list[Similarity]:
        """One Similarity per item, in order; stores the profile vectors on the way. A
        profile with no text at all is left to the explicit rules."""
        texts = [profile_text(item.profile) for item in items]
        with_text = [i for i, text in enumerate(texts) if text]
        with EMBED_SECONDS.time():
            vectors = await self.embedder.embed([texts[i] for i in with_text])
        profile_vectors = dict(zip(with_text, vectors, strict=True))
        await self.store.upsert_prospects(
            [
                ProspectVector(
                    items[i].team_id, items[i].prospect_id, self.embedder.model, vector.tolist()
                )
                for i, vector in profile_vectors.items()
            ]
        )
        icp_vectors = await self._icp_vectors({item.campaign_id: item.icp for item in items})
        similarities: list[Similarity] = []
        for i, item in enumerate(items):
            vector = profile_vectors.get(i)
            if vector is None:
                similarities.append(NO_SIMILARITY)
                continue
            compared = icp_vectors[item.campaign_id]
            cosines = {dimension: float(vector @ v) for dimension, v in compared.items()}
            similarities.append(SemanticMatch(cosines, self.calibration))
        return similarities

    async def _icp_vectors(
        self, icps: Mapping[uuid.UUID, Icp]
    ) -> dict[uuid.UUID, dict[Dimension, np.ndarray]]:
        """Per campaign, the vector of each dimension's comparison text of its ICP."""
        wanted = {key: comparison_texts(icp) for key, icp in icps.items()}
        texts = sorted({text for compared in wanted.values() for text in compared.values()})
        vectors = dict(zip(texts, await self.embedder.embed(texts), strict=True))
        return {
            key: {dimension: vectors[text] for dimension, text in compared.items()}
            for key, compared in wanted.items()
        }

    async def forget(self, team_id: uuid.UUID, prospect_id: uuid.UUID) -> None:
        await self.store.delete_prospect(team_id, prospect_id)

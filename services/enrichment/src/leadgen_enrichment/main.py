"""App factory of the enrichment service: settings, event bus, handlers, HTTP health."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
from fastapi import FastAPI
from leadgen_common.db.engine import database_check
from leadgen_common.db.suppressions import SuppressionList
from leadgen_common.http_retry import ProviderGate, RetryPolicy
from leadgen_common.kafka import EventBus
from leadgen_common.ratelimit import RateLimiter, RateLimitSettings
from leadgen_common.service import create_service_app
from redis.asyncio import Redis

from . import handlers, metrics
from .adapters.apollo import ApolloClient
from .adapters.budget import RedisBudget
from .adapters.campaign_state import CampaignCancellations
from .adapters.clearbit import ClearbitClient
from .adapters.database import engine_for
from .adapters.hunter import HunterClient
from .adapters.jobs import JobStore
from .adapters.prospect_source import ProspectSource
from .adapters.provider_http import Limiter, ProviderHttp
from .adapters.result_cache import RedisResultCache
from .domain.waterfall import Known
from .enrich import Enricher, WaterfallConfig
from .on_demand import OnDemandEnrichment
from .ports import Operation
from .settings import EnrichmentSettings

__all__ = ["EnrichmentSettings", "create_app"]


def retry_policy(settings: EnrichmentSettings) -> RetryPolicy:
    return RetryPolicy(
        attempts=settings.provider_retries + 1,  # the first try and its retries
        backoff_s=settings.provider_backoff_s,
        max_backoff_s=settings.provider_max_backoff_s,
        max_retry_after_s=settings.provider_max_retry_after_s,
    )


def provider_http(name: str, settings: EnrichmentSettings, limiter: Limiter | None) -> ProviderHttp:
    """One pooled client per provider, bounded to the provider's concurrency."""
    limits = httpx.Limits(
        max_connections=settings.provider_concurrency,
        max_keepalive_connections=settings.provider_concurrency,
    )
    http = httpx.AsyncClient(timeout=settings.provider_timeout_s, limits=limits)
    return ProviderHttp(
        name,
        http,
        policy=retry_policy(settings),
        gate=ProviderGate(asyncio.Semaphore(settings.provider_concurrency)),
        limiter=limiter,
        limiter_wait_s=settings.rate_limit_wait_s,
    )


def operations(
    settings: EnrichmentSettings, limiter: Limiter | None
) -> tuple[dict[str, Operation], list[httpx.AsyncClient]]:
    """Every waterfall step's adapter call, and the pooled clients to close on shutdown."""
    clearbit = ClearbitClient(
        provider_http("clearbit", settings, limiter),
        base_url=settings.clearbit_url(),
        api_key=settings.clearbit_api_key,
        company_cost=settings.clearbit_company_cost,
        person_cost=settings.clearbit_person_cost,
    )
    hunter = HunterClient(
        provider_http("hunter", settings, limiter),
        base_url=settings.hunter_url(),
        api_key=settings.hunter_api_key,
        finder_cost=settings.hunter_finder_cost,
        verifier_cost=settings.hunter_verifier_cost,
    )
    apollo = ApolloClient(
        provider_http("apollo", settings, limiter),
        base_url=settings.apollo_url(),
        api_key=settings.apollo_api_key,
        match_cost=settings.apollo_match_cost,
    )
    clients = [clearbit.api.http, hunter.api.http, apollo.api.http]
    return wire(clearbit, hunter, apollo), clients


def wire(
    clearbit: ClearbitClient, hunter: HunterClient, apollo: ApolloClient
) -> dict[str, Operation]:
    """Each waterfall step's adapter call, given what is known of the prospect."""

    async def clearbit_person(known: Known):
        return await clearbit.person(known.email or "")

    async def hunter_finder(known: Known):
        profile = known.profile
        return await hunter.email_finder(
            domain=known.domain, full_name=profile.name, linkedin_url=_linkedin(known)
        )

    async def apollo_match(known: Known):
        return await apollo.people_match(
            linkedin_url=_linkedin(known), name=known.profile.name, domain=known.domain
        )

    async def clearbit_company(known: Known):
        return await clearbit.company(known.domain or "")

    async def hunter_verifier(known: Known):
        return await hunter.email_verifier(known.email or "")

    return {
        "clearbit:company": clearbit_company,
        "clearbit:person": clearbit_person,
        "hunter:email_finder": hunter_finder,
        "hunter:email_verifier": hunter_verifier,
        "apollo:people_match": apollo_match,
    }


def _linkedin(known: Known) -> str | None:
    profile = known.profile
    return profile.profile_url if profile.platform == "linkedin" else None


def prices(settings: EnrichmentSettings) -> dict[str, Decimal]:
    return {
        "clearbit:company": settings.clearbit_company_cost,
        "clearbit:person": settings.clearbit_person_cost,
        "hunter:email_finder": settings.hunter_finder_cost,
        "hunter:email_verifier": settings.hunter_verifier_cost,
        "apollo:people_match": settings.apollo_match_cost,
    }


def waterfall_config(settings: EnrichmentSettings) -> WaterfallConfig:
    return WaterfallConfig(
        order_for=settings.waterfall_for,
        required=tuple(settings.enrichment_required_fields),
        prices=prices(settings),
        min_prescore=settings.smart_enrichment_min_prescore,
    )


def create_app(
    settings: EnrichmentSettings | None = None, rate_limits: RateLimitSettings | None = None
) -> FastAPI:
    settings = settings or EnrichmentSettings()
    rate_limits = rate_limits or RateLimitSettings()
    metrics.COST_BUDGET_PER_HOUR.set(float(settings.cost_alert_per_hour))
    engine = engine_for(
        settings.require_database_url(),
        pool_size=settings.db_pool_size,
        timeout_s=settings.db_timeout_s,
    )
    redis = Redis.from_url(
        settings.require_redis_url(),
        socket_timeout=settings.redis_timeout_s,
        socket_connect_timeout=settings.redis_timeout_s,
    )
    limiter = RateLimiter(redis, rate_limits.limit_table())
    ops, clients = operations(settings, limiter)
    enricher = Enricher(
        operations=ops,
        campaigns=CampaignCancellations(engine, settings.campaign_state_ttl_s),
        cache=RedisResultCache(redis, settings.enrichment_cache_ttl_s),
        budget=RedisBudget(
            redis,
            team_monthly=settings.enrichment_team_monthly_budget,
            per_campaign=settings.enrichment_campaign_budget,
        ),
        config=waterfall_config(settings),
        suppressions=SuppressionList(engine),
    )
    bus = EventBus(settings)
    prospects = ProspectSource(engine, settings.pii_cipher())  # contact details encrypted
    on_demand = OnDemandEnrichment(enricher, JobStore(engine), prospects, bus.publish)
    handlers.register(bus, enricher, on_demand, batch_size=settings.batch_size)

    async def close() -> None:
        for http in clients:
            await http.aclose()
        await redis.aclose()
        await engine.dispose()

    async def redis_answers() -> bool:
        return bool(await redis.ping())

    app = create_service_app(
        settings,
        bus,
        on_shutdown=[close],
        checks={"database": database_check(engine), "redis": redis_answers},
    )
    # for tests and operators' introspection
    app.state.bus, app.state.enricher, app.state.provider_clients = bus, enricher, clients
    return app

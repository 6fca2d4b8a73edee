"""App factory of the discovery service: settings, event bus, handlers, the platform
adapters over the shared Redis rate limiter, the paging supervisor, HTTP health
(/readyz: Kafka partitions assigned, Postgres and Redis answering)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from leadgen_common.contracts import Platform
from leadgen_common.db.engine import make_engine
from leadgen_common.db.suppressions import SuppressionList
from leadgen_common.http_retry import RetryPolicy
from leadgen_common.kafka import EventBus
from leadgen_common.ratelimit import RateLimiter, RateLimitSettings
from leadgen_common.service import create_service_app
from redis.asyncio import Redis

from . import handlers
from .adapters.cursor_store import SqlCursorStore
from .adapters.facebook import FacebookPeopleSearch
from .adapters.linkedin import LinkedInPeopleSearch
from .adapters.oauth import ClientCredentials
from .adapters.platform_api import PlatformApi, pooled_client
from .adapters.twitter import TwitterPeopleSearch
from .campaigns import Campaigns
from .lookalike.facebook import FacebookAudiences
from .lookalike.linkedin import LinkedInAudiences
from .lookalike.ports import AudienceBuilder
from .lookalike.requests import LookalikeRequests
from .lookalike.sql import SqlAudienceStore, SqlSeedSource
from .paging import CampaignPager
from .ports import Limiter, PeopleSearch
from .settings import DiscoverySettings
from .supervisor import Supervisor, replica_id

__all__ = ["DiscoverySettings", "create_app"]

#: Backoffs stretched by up to a quarter, so campaigns that failed together spread out.
PLATFORM_JITTER = 0.25


def retry_policy(settings: DiscoverySettings) -> RetryPolicy:
    return RetryPolicy(
        attempts=settings.platform_attempts,
        backoff_s=settings.platform_backoff_s,
        max_backoff_s=settings.platform_max_backoff_s,
        max_retry_after_s=settings.platform_max_retry_after_s,
        jitter=PLATFORM_JITTER,
    )


def platform_api(platform: Platform, settings: DiscoverySettings, limiter: Limiter) -> PlatformApi:
    http = pooled_client(settings.platform_timeout_s, settings.platform_max_connections)
    return PlatformApi(platform, http, limiter=limiter, policy=retry_policy(settings))


def linkedin_credentials(settings: DiscoverySettings, api: PlatformApi) -> ClientCredentials:
    return ClientCredentials(
        api,
        token_url=settings.linkedin_oauth_url(),
        client_id=settings.linkedin_client_id,
        client_secret=settings.linkedin_client_secret,
        refresh_margin_s=settings.oauth_refresh_margin_s,
    )


def linkedin_search(settings: DiscoverySettings, limiter: Limiter) -> LinkedInPeopleSearch:
    api = platform_api(Platform.LINKEDIN, settings, limiter)
    credentials = linkedin_credentials(settings, api)
    return LinkedInPeopleSearch(
        api,
        base_url=settings.linkedin_url(),
        credentials=credentials,
        filter_values=settings.linkedin_filter_values,
    )


def facebook_search(settings: DiscoverySettings, limiter: Limiter) -> FacebookPeopleSearch:
    return FacebookPeopleSearch(
        platform_api(Platform.FACEBOOK, settings, limiter),
        base_url=settings.facebook_url(),
        api_version=settings.facebook_api_version,
        access_token=settings.facebook_access_token,
    )


def twitter_search(settings: DiscoverySettings, limiter: Limiter) -> TwitterPeopleSearch:
    return TwitterPeopleSearch(
        platform_api(Platform.TWITTER, settings, limiter),
        base_url=settings.twitter_url(),
        bearer_token=settings.twitter_bearer_token,
    )


def audience_builders(
    settings: DiscoverySettings, linkedin: LinkedInPeopleSearch, facebook: FacebookPeopleSearch
) -> dict[Platform, AudienceBuilder]:
    """The lookalike builders share the searches' pooled clients and LinkedIn token."""
    return {
        Platform.LINKEDIN: LinkedInAudiences(
            linkedin.api,
            base_url=settings.linkedin_url(),
            credentials=linkedin.credentials,
            account=settings.linkedin_ad_account,
            locations=settings.linkedin_lookalike_locations,
            ratio=settings.lookalike_ratio,
        ),
        Platform.FACEBOOK: FacebookAudiences(
            facebook.api,
            base_url=settings.facebook_url(),
            api_version=settings.facebook_api_version,
            access_token=settings.facebook_access_token,
            account=settings.facebook_ad_account,
            country=settings.lookalike_country,
            ratio=settings.lookalike_ratio,
        ),
    }


def create_app(
    settings: DiscoverySettings | None = None, rate_limits: RateLimitSettings | None = None
) -> FastAPI:
    settings = settings or DiscoverySettings()
    rate_limits = rate_limits or RateLimitSettings()
    bus = EventBus(settings)
    engine = make_engine(
        settings.require_database_url(),
        pool_size=settings.db_pool_size,
        connect_args={"timeout": settings.db_timeout_s, "command_timeout": settings.db_timeout_s},
    )
    store = SqlCursorStore(engine)
    redis = Redis.from_url(
        settings.require_redis_url(),
        socket_timeout=settings.redis_timeout_s,
        socket_connect_timeout=settings.redis_timeout_s,
    )
    limiter = RateLimiter(redis, rate_limits.limit_table())
    linkedin, facebook = linkedin_search(settings, limiter), facebook_search(settings, limiter)
    adapters = [linkedin, facebook, twitter_search(settings, limiter)]
    searches: dict[Platform, PeopleSearch] = {search.platform: search for search in adapters}
    supervisor = Supervisor(
        store,
        owner=replica_id(),
        lease_s=settings.cursor_lease_s,
        lease_renew_s=settings.lease_renew_s,
        max_active_campaigns=settings.max_active_campaigns,
    )
    pager = CampaignPager(
        store,
        searches,
        bus,
        owner=supervisor.owner,
        page_sizes=settings.page_sizes(),
        pause_poll_s=settings.pause_poll_s,
        wakeup=supervisor.wakeup,
        suppressions=SuppressionList(engine),
    )
    lookalikes = LookalikeRequests(
        SqlSeedSource(engine, settings.pii_cipher()),  # emails are stored encrypted
        audience_builders(settings, linkedin, facebook),
        SqlAudienceStore(engine),
    )
    handlers.register(bus, Campaigns(store, searches, supervisor.nudge), lookalikes)

    async def close() -> None:
        for adapter in adapters:
            await adapter.api.http.aclose()
        await redis.aclose()
        await engine.dispose()

    async def redis_answers() -> bool:
        return bool(await redis.ping())

    app = create_service_app(
        settings,
        bus,
        on_shutdown=[close],
        checks={"database": store.reachable, "redis": redis_answers},
    )
    serve = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        # Paging publishes, so it runs only while the bus is started: inside its lifespan.
        async with serve(application):
            await supervisor.start(pager)
            try:
                yield
            finally:
                await supervisor.stop()

    app.router.lifespan_context = lifespan
    return app

"""App factory of the discovery service: settings, event bus, handlers, the paging
supervisor, HTTP health (/readyz: Kafka partitions assigned and Postgres answering)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from leadgen_common.db.engine import make_engine
from leadgen_common.http_retry import RetryPolicy
from leadgen_common.kafka import EventBus
from leadgen_common.service import create_service_app

from . import handlers
from .adapters.cursor_store import SqlCursorStore
from .adapters.linkedin import LinkedInPeopleSearch
from .campaigns import Campaigns
from .paging import CampaignPager
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


def create_app(settings: DiscoverySettings | None = None) -> FastAPI:
    settings = settings or DiscoverySettings()
    bus = EventBus(settings)
    engine = make_engine(
        settings.require_database_url(),
        pool_size=settings.db_pool_size,
        connect_args={"timeout": settings.db_timeout_s, "command_timeout": settings.db_timeout_s},
    )
    store = SqlCursorStore(engine)
    http = httpx.AsyncClient(timeout=settings.platform_timeout_s)
    linkedin = LinkedInPeopleSearch(
        http,
        base_url=settings.linkedin_url(),
        api_key=settings.linkedin_api_key,
        policy=retry_policy(settings),
    )
    searches = {linkedin.platform: linkedin}
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
        page_size=settings.linkedin_page_size,
        pause_poll_s=settings.pause_poll_s,
        wakeup=supervisor.wakeup,
    )
    handlers.register(bus, Campaigns(store, searches, supervisor.nudge))

    async def close() -> None:
        await http.aclose()
        await engine.dispose()

    app = create_service_app(
        settings, bus, on_shutdown=[close], checks={"database": store.reachable}
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

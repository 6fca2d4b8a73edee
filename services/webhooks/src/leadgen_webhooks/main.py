"""App factory of the webhooks service: settings, event bus, the lead.created consumer,
the dispatcher loop, HTTP health."""

from __future__ import annotations

from fastapi import FastAPI
from leadgen_common.db.engine import database_check, make_engine
from leadgen_common.kafka import EventBus
from leadgen_common.service import create_service_app
from leadgen_common.webhooks import Resolver, system_resolver

from . import handlers
from .adapters.sender import Sender
from .adapters.store import Store
from .dispatcher import Dispatcher
from .domain import Policy
from .settings import WebhooksSettings


def create_app(
    settings: WebhooksSettings | None = None,
    *,
    bus: EventBus | None = None,
    resolver: Resolver = system_resolver,
) -> FastAPI:
    settings = settings or WebhooksSettings()
    engine = make_engine(
        settings.require_database_url(),
        pool_size=settings.db_pool_size,
        connect_args={"timeout": settings.db_timeout_s, "command_timeout": settings.db_timeout_s},
    )
    cipher = settings.pii_cipher()
    store = Store(engine)
    sender = Sender(
        timeout_s=settings.webhook_timeout_s,
        allow_private=settings.webhooks_allow_private,
        resolver=resolver,
        max_connections=settings.webhook_concurrency,
    )
    dispatcher = Dispatcher(
        store,
        sender,
        cipher,
        Policy(
            max_attempts=settings.webhook_max_attempts,
            backoff_base_s=settings.webhook_backoff_base_s,
            backoff_max_s=settings.webhook_backoff_max_s,
            disable_after=settings.webhook_disable_after,
        ),
        batch_size=settings.webhook_batch_size,
        concurrency=settings.webhook_concurrency,
        lease_s=settings.webhook_lease_s,
        poll_interval_s=settings.webhook_poll_interval_s,
    )
    bus = bus or EventBus(settings)
    handlers.register(bus, store, cipher, dispatcher)

    async def close() -> None:
        await dispatcher.stop()
        await sender.close()
        await engine.dispose()

    app = create_service_app(
        settings,
        bus,
        on_startup=[dispatcher.start],
        on_shutdown=[close],
        checks={"database": database_check(engine)},
    )
    app.state.bus = bus
    app.state.dispatcher = dispatcher
    return app

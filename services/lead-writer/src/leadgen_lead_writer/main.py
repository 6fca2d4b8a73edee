"""App factory of the lead-writer service: settings, database, event bus, handlers, the
outbox relay, and HTTP health (/readyz: Kafka partitions assigned and the database answers)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from leadgen_common.crypto import PiiKeySettings
from leadgen_common.db.engine import database_check, make_engine
from leadgen_common.kafka import EventBus
from leadgen_common.service import create_service_app
from leadgen_common.settings import ServiceSettings
from pydantic import Field

from . import handlers
from .adapters.publisher import kafka_publisher
from .projector import Projector
from .relay import OutboxRelay


class LeadWriterSettings(ServiceSettings, PiiKeySettings):
    service_name: str = "lead-writer"
    db_pool_size: int = Field(
        default=10, ge=1, description="Connections: one per subscriber, the relay, readiness."
    )
    batch_size: int = Field(
        default=100,
        ge=1,
        description="Most prospect events projected in one transaction (per topic).",
    )
    relay_batch_size: int = Field(
        default=100, ge=1, description="Outbox rows the relay publishes per transaction."
    )
    relay_poll_interval_s: float = Field(
        default=0.5, gt=0, description="How often the relay looks for rows nobody woke it for."
    )
    relay_backoff_s: float = Field(default=0.2, gt=0, description="First retry delay of the relay.")
    relay_max_backoff_s: float = Field(default=10.0, gt=0, description="Longest retry delay.")
    relay_backlog_interval_s: float = Field(
        default=5.0,
        gt=0,
        description="How often the relay reads the outbox backlog and the oldest row's age "
        "(leadgen_outbox_backlog, leadgen_outbox_oldest_age_seconds).",
    )
    db_check_timeout_s: float = Field(default=2.0, gt=0, description="Readiness query timeout.")


def create_app(settings: LeadWriterSettings | None = None) -> FastAPI:
    settings = settings or LeadWriterSettings()
    engine = make_engine(settings.require_database_url(), pool_size=settings.db_pool_size)
    bus = EventBus(settings)
    relay = OutboxRelay(
        engine,
        kafka_publisher(bus),
        batch_size=settings.relay_batch_size,
        poll_interval_s=settings.relay_poll_interval_s,
        backoff_s=settings.relay_backoff_s,
        max_backoff_s=settings.relay_max_backoff_s,
        backlog_interval_s=settings.relay_backlog_interval_s,
    )
    projector = Projector(engine, cipher=settings.pii_cipher(), on_outbox=relay.wake)
    handlers.register(bus, projector, batch_size=settings.batch_size)
    app = create_service_app(
        settings,
        bus,
        on_shutdown=[engine.dispose],
        checks={"database": database_check(engine, settings.db_check_timeout_s)},
    )
    _run_relay_inside(app, relay, settings.shutdown_grace_s)
    app.state.bus, app.state.relay = bus, relay
    return app


def _run_relay_inside(app: FastAPI, relay: OutboxRelay, grace_s: float) -> None:
    """Start the relay once the bus (its producer) is up, stop it before the bus stops."""
    service_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app_: FastAPI) -> AsyncIterator[None]:
        async with service_lifespan(app_):
            relay.start()
            try:
                yield
            finally:
                await relay.stop(grace_s / 2)

    app.router.lifespan_context = lifespan

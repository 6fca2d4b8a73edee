"""App factory of the enrichment service: settings, event bus, handlers, HTTP health."""

from __future__ import annotations

from fastapi import FastAPI
from leadgen_common.kafka import EventBus
from leadgen_common.service import create_service_app
from leadgen_common.settings import ServiceSettings

from . import handlers


class EnrichmentSettings(ServiceSettings):
    service_name: str = "enrichment"


def create_app(settings: EnrichmentSettings | None = None) -> FastAPI:
    settings = settings or EnrichmentSettings()
    bus = EventBus(settings)
    handlers.register(bus)
    return create_service_app(settings, bus)

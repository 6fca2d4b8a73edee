"""App factory of the discovery service: settings, event bus, handlers, HTTP health."""

from __future__ import annotations

from fastapi import FastAPI
from leadgen_common.kafka import EventBus
from leadgen_common.service import create_service_app
from leadgen_common.settings import ServiceSettings

from . import handlers


class DiscoverySettings(ServiceSettings):
    service_name: str = "discovery"


def create_app(settings: DiscoverySettings | None = None) -> FastAPI:
    settings = settings or DiscoverySettings()
    bus = EventBus(settings)
    handlers.register(bus)
    return create_service_app(settings, bus)

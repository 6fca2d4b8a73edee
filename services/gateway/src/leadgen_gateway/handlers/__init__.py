"""HTTP routes of the gateway, one router per resource: each route authenticates,
authorises, validates, then publishes a command or answers from Postgres."""

from __future__ import annotations

from fastapi import FastAPI

from ..schemas.common import error_responses
from . import (
    campaigns,
    enrichment,
    icps,
    leads,
    lookalike,
    privacy,
    prospects,
    review,
    similar,
    webhooks,
)

API_PREFIX = "/api/v1"


def include(app: FastAPI) -> None:
    # Every route authenticates and is rate-limited per principal (deps.current_principal).
    limited = error_responses(429)
    modules = (
        icps,
        lookalike,
        campaigns,
        review,
        prospects,
        privacy,
        enrichment,
        leads,
        similar,
        webhooks,
    )
    for module in modules:
        app.include_router(module.router, prefix=API_PREFIX, responses=limited)

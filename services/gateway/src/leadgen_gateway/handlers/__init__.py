"""HTTP routes of the gateway, one router per resource: each route authenticates,
authorises, validates, then publishes a command or answers from Postgres."""

from __future__ import annotations

from fastapi import FastAPI

from . import campaigns, enrichment, icps, leads, lookalike, prospects, review, similar

API_PREFIX = "/api/v1"


def include(app: FastAPI) -> None:
    for module in (icps, lookalike, campaigns, review, prospects, enrichment, leads, similar):
        app.include_router(module.router, prefix=API_PREFIX)

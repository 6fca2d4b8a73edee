"""The app factory's wiring: health routes, readiness from Kafka and Postgres."""

from __future__ import annotations

import httpx
import pytest
from leadgen_discovery.main import create_app
from leadgen_discovery.settings import DiscoverySettings


async def readyz(database_url: str) -> httpx.Response:
    # No lifespan: the bus never starts, so Kafka is not ready, and the database check
    # is what the database says.
    app = create_app(DiscoverySettings(database_url=database_url))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://discovery"
    ) as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}
        return await http.get("/readyz")


async def test_ready_needs_kafka_and_sees_the_database(database):
    response = await readyz(database["discovery"])
    assert response.status_code == 503
    assert response.json()["checks"] == {"kafka": False, "database": True}


async def test_not_ready_when_the_database_does_not_answer(pg_cluster):
    response = await readyz(pg_cluster.url("no_such_database", user="leadgen_discovery"))
    assert response.json()["checks"]["database"] is False


def test_a_database_url_is_required():
    with pytest.raises(RuntimeError, match="DATABASE_URL is not set"):
        create_app(DiscoverySettings())

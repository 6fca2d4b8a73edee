"""The app factory's wiring: health routes, readiness from Kafka, Postgres and Redis."""

from __future__ import annotations

import socket

import httpx
import pytest
from leadgen_discovery.main import create_app
from leadgen_discovery.settings import DiscoverySettings


def nothing_listening() -> str:
    """A Redis URL whose port was just free: connects are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{sock.getsockname()[1]}/0"


async def readyz(database_url: str, redis_url: str) -> httpx.Response:
    # No lifespan: the bus never starts, so Kafka is not ready, and the other checks say
    # what the database and Redis say.
    app = create_app(DiscoverySettings(database_url=database_url, redis_url=redis_url))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://discovery"
    ) as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}
        return await http.get("/readyz")


async def test_ready_needs_kafka_and_sees_the_database_and_redis(database, valkey_url):
    response = await readyz(database["discovery"], valkey_url)
    assert response.status_code == 503
    assert response.json()["checks"] == {"kafka": False, "database": True, "redis": True}


async def test_not_ready_when_the_database_does_not_answer(pg_cluster, valkey_url):
    response = await readyz(
        pg_cluster.url("no_such_database", user="leadgen_discovery"), valkey_url
    )
    assert response.json()["checks"]["database"] is False


async def test_not_ready_when_redis_does_not_answer(database):
    response = await readyz(database["discovery"], nothing_listening())
    assert response.json()["checks"] == {"kafka": False, "database": True, "redis": False}


def test_a_database_url_and_a_redis_url_are_required():
    with pytest.raises(RuntimeError, match="DATABASE_URL is not set"):
        create_app(DiscoverySettings(redis_url="redis://127.0.0.1:1/0"))
    with pytest.raises(RuntimeError, match="REDIS_URL is not set"):
        create_app(DiscoverySettings(database_url="postgresql+asyncpg://u@127.0.0.1:1/db"))

"""Settings from the environment and the app's readiness wiring (Kafka + Postgres)."""

from __future__ import annotations

import base64
from decimal import Decimal

import httpx
import pytest
from faststream.kafka import TestKafkaBroker
from leadgen_enrichment.main import create_app
from leadgen_enrichment.settings import EnrichmentSettings
from pydantic import ValidationError

PROD = {
    "ENVIRONMENT": "prod",
    "JWT_SECRET": "a-real-secret-of-enough-length-123456",
    "PII_KEYS": '{"k1": "' + base64.b64encode(bytes(range(32))).decode() + '"}',
    "PII_KEY_ID": "k1",
}


def test_settings_come_from_upper_case_env_vars(monkeypatch):
    monkeypatch.setenv("SANDBOX_URL", "http://127.0.0.1:7000/")
    monkeypatch.setenv("CLEARBIT_API_KEY", "ck-live")
    monkeypatch.setenv("CLEARBIT_COMPANY_COST", "0.25")
    monkeypatch.setenv("PROVIDER_RETRIES", "4")
    settings = EnrichmentSettings()
    assert settings.clearbit_url() == "http://127.0.0.1:7000/clearbit"
    assert settings.clearbit_api_key.get_secret_value() == "ck-live"
    assert settings.clearbit_company_cost == Decimal("0.25")
    assert settings.provider_retries == 4
    assert "ck-live" not in repr(settings)


def test_a_real_clearbit_base_url_overrides_the_sandbox(monkeypatch):
    monkeypatch.setenv("CLEARBIT_BASE_URL", "https://company.clearbit.com")
    assert EnrichmentSettings().clearbit_url() == "https://company.clearbit.com"


def test_prod_refuses_the_sandbox_key(monkeypatch):
    for name, value in PROD.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match="CLEARBIT_API_KEY is the sandbox key"):
        EnrichmentSettings()
    monkeypatch.setenv("CLEARBIT_API_KEY", "ck-live")
    with pytest.raises(ValidationError, match="HUNTER_API_KEY is the sandbox key"):
        EnrichmentSettings()
    monkeypatch.setenv("HUNTER_API_KEY", "hk-live")
    with pytest.raises(ValidationError, match="APOLLO_API_KEY is the sandbox key"):
        EnrichmentSettings()
    monkeypatch.setenv("APOLLO_API_KEY", "ak-live")
    assert EnrichmentSettings().environment == "prod"
    monkeypatch.delenv("PII_KEYS")  # personal data needs real keys in prod too
    monkeypatch.delenv("PII_KEY_ID")
    with pytest.raises(ValidationError, match="PII_KEYS"):
        EnrichmentSettings()


def test_the_app_needs_a_database_url():
    with pytest.raises(RuntimeError, match="DATABASE_URL is not set"):
        create_app(EnrichmentSettings(database_url=None))


async def readyz(database_url: str, redis_url: str) -> tuple[int, dict]:
    """/readyz of the app run through its lifespan on the in-memory broker, which assigns
    no partitions: Kafka stays not ready, so only the database check varies."""
    settings = EnrichmentSettings(
        database_url=database_url, redis_url=redis_url, db_timeout_s=2, redis_timeout_s=1
    )
    app = create_app(settings)
    async with TestKafkaBroker(app.state.bus.broker), app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://enrichment"
        ) as client:
            assert (await client.get("/healthz")).status_code == 200
            response = await client.get("/readyz")
    # the lifespan's shutdown closed every provider's pooled client
    assert all(http.is_closed for http in app.state.provider_clients)
    return response.status_code, response.json()["checks"]


async def test_readiness_checks_postgres_through_the_service_role_and_redis(
    migrated_db, valkey_url
):
    assert await readyz(migrated_db["enrichment"], valkey_url) == (
        503,
        {"kafka": False, "database": True, "redis": True},
    )


async def test_readiness_is_off_while_postgres_and_redis_do_not_answer():
    assert await readyz("postgresql://nobody@127.0.0.1:1/none", "redis://127.0.0.1:1/0") == (
        503,
        {"kafka": False, "database": False, "redis": False},
    )

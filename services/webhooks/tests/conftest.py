"""Fixtures of the webhooks service's tests: a real Postgres (a fresh migrated database per
test, used through the service's own role), the whole app (consumer and dispatcher) on
FastStream's in-memory broker, and a local HTTP receiver that answers as it is told."""

from __future__ import annotations

import asyncio
import base64
import inspect
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from faststream.kafka import TestKafkaBroker
from leadgen_common.contracts import Envelope, envelope_for, lead_id_for, prospect_id_for
from leadgen_common.contracts.events import DimensionScore, LeadCreated, ScoreBreakdown
from leadgen_common.db.engine import make_engine
from leadgen_common.db.schema import webhook_deliveries, webhook_registrations
from leadgen_common.kafka import EventBus
from leadgen_common.testing.fixtures import MigratedUrls
from leadgen_common.testing.local_http import JsonHandler, serving
from leadgen_common.testing.pii import TEST_CIPHER, TEST_KID
from leadgen_common.webhooks import SECRET_FIELD, Resolver, new_secret, system_resolver
from leadgen_webhooks.main import create_app
from leadgen_webhooks.settings import WebhooksSettings
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

SERVICE = "webhooks"
PII_KEYS = {
    kid: base64.b64encode(key).decode() for kid, key in TEST_CIPHER.source.keyring().keys.items()
}


# ---------------------------------------------------------------- the receiver
@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the local receiver got, and what it answers next (the last answer repeats)."""

    answers: list[int] = field(default_factory=lambda: [200])
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def next_status(self) -> int:
        with self.lock:
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


class _Handler(JsonHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        state: Receiver = self.server.state  # type: ignore[attr-defined]
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        with state.lock:
            state.requests.append(Received(self.path, dict(self.headers.items()), body))
        status = state.next_status()
        location = {"Location": f"{state.url}/followed"} if 300 <= status < 400 else None
        self.answer(status, {"ok": 200 <= status < 300}, location)


@pytest.fixture
def receiver() -> Any:
    state = Receiver()
    with serving(_Handler, state) as base_url:
        state.url = base_url
        yield state


# ---------------------------------------------------------------- the service
def settings(**overrides: Any) -> WebhooksSettings:
    """Short waits so retries and disabling happen within a test."""
    values: dict[str, Any] = {
        "environment": "test",
        "kafka_bootstrap_servers": "127.0.0.1:1",
        "handler_retries": 0,
        "pii_keys": json.dumps(PII_KEYS),
        "pii_key_id": TEST_KID,
        "webhooks_allow_private": True,
        "webhook_timeout_s": 2.0,
        "webhook_lease_s": 5.0,
        "webhook_max_attempts": 3,
        "webhook_backoff_base_s": 0.05,
        "webhook_backoff_max_s": 0.2,
        "webhook_disable_after": 2,
        "webhook_poll_interval_s": 0.05,
    }
    return WebhooksSettings(**{**values, **overrides})


@dataclass
class Service:
    bus: EventBus
    admin: AsyncEngine  # the owner: seeds the gateway's registrations, reads everything

    async def register(self, team_id: uuid.UUID, url: str, **values: Any) -> tuple[uuid.UUID, str]:
        """What POST /webhooks stores (the gateway's row, secret sealed): (id, secret)."""
        endpoint_id, secret = uuid.uuid4(), new_secret()
        sealed = TEST_CIPHER.encrypt(
            secret, team_id=team_id, prospect_id=endpoint_id, field=SECRET_FIELD
        )
        async with self.admin.begin() as conn:
            await conn.execute(
                webhook_registrations.insert().values(
                    id=endpoint_id,
                    team_id=team_id,
                    url=url,
                    secret=sealed,
                    events=["lead.created"],
                    **values,
                )
            )
        return endpoint_id, secret

    async def deliveries(self, **where: Any) -> list[dict[str, Any]]:
        query = select(webhook_deliveries).order_by(webhook_deliveries.c.created_at)
        for name, value in where.items():
            query = query.where(webhook_deliveries.c[name] == value)
        async with self.admin.connect() as conn:
            return [dict(r) for r in (await conn.execute(query)).mappings()]

    async def until(
        self, check: Callable[[], Awaitable[Any] | Any], timeout_s: float = 15.0
    ) -> Any:
        """Poll ``check`` until it returns something truthy (no timing assertion: the
        timeout only stops a test that would otherwise hang)."""
        deadline = time.monotonic() + timeout_s
        while not (result := await _value(check())):
            assert time.monotonic() < deadline, f"not so within {timeout_s} s"
            await asyncio.sleep(0.02)
        return result


async def _value(result: Any) -> Any:
    return await result if inspect.isawaitable(result) else result


@pytest.fixture
def open_service(migrated_urls: MigratedUrls):
    """``async with open_service(resolver=..., **settings) as service``: the app on a
    fresh database, its lifespan run (consumer subscribed, dispatcher looping)."""

    @asynccontextmanager
    async def open_(
        resolver: Resolver = system_resolver, **overrides: Any
    ) -> AsyncIterator[Service]:
        urls = await migrated_urls(SERVICE)
        config = settings(database_url=_asyncpg(urls[SERVICE]), **overrides)
        bus = EventBus(config)
        app = create_app(config, bus=bus, resolver=resolver)
        admin = make_engine(urls["admin"])
        try:
            async with TestKafkaBroker(bus.broker), app.router.lifespan_context(app):
                yield Service(bus, admin)
        finally:
            await admin.dispose()

    return open_


def _asyncpg(url: str) -> str:
    return url if "+asyncpg" in url else url.replace("postgresql:", "postgresql+asyncpg:", 1)


# ---------------------------------------------------------------- events
def lead_created(team_id: uuid.UUID, person: str = "ada") -> Envelope[LeadCreated]:
    """A lead.created as lead-writer's relay publishes it."""
    prospect_id = prospect_id_for(team_id, "linkedin", person)
    score = DimensionScore(score=0.9, reasons=["title matches"])
    campaign_id = uuid.uuid4()
    payload = LeadCreated(
        lead_id=lead_id_for(prospect_id),
        prospect_id=prospect_id,
        campaign_id=campaign_id,
        source="auto",
        platform="linkedin",
        profile_url=f"https://linkedin.example/in/{person}",
        name=f"Person {person}",
        title="VP Engineering",
        email=f"{person}@acme.example",
        icp_match_score=0.9,
        quality_score=0.8,
        breakdown=ScoreBreakdown(
            demographics=score, firmographics=score, psychographics=score, activity=score
        ),
        created_at=datetime.now(UTC),
    )
    return envelope_for(payload, team_id=team_id, correlation_id=f"corr-{time.time_ns()}")

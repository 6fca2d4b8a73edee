"""Fixtures of the gateway tests: a database migrated to head on the session's real
Postgres (the gateway connects with its own role, as in production), the app with its bus
under FastStream's TestKafkaBroker (published events recorded per topic), and token/seed
helpers."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from faststream.kafka import KafkaMessage, TestKafkaBroker
from leadgen_common.auth import Role, issue_token
from leadgen_common.contracts import lead_id_for, prospect_id_for
from leadgen_common.db.engine import make_engine
from leadgen_common.db.schema import (
    campaign_progress,
    campaign_prospects,
    discovery_cursors,
    leads,
    prospects,
)
from leadgen_common.kafka import EventBus
from leadgen_common.samples import sample_icp_path
from leadgen_common.testing.fixtures import MigratedUrls
from leadgen_common.testing.pii import TEST_CIPHER, TEST_KID
from leadgen_gateway.main import create_app
from leadgen_gateway.settings import GatewaySettings
from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

#: Appendix C's ICP as shared/data/sample-icp.json has it (with an "id" the API ignores).
SAMPLE_ICP = sample_icp_path()
DIMENSIONS = ("demographics", "firmographics", "psychographics", "activity")
PUBLISHED_TOPICS = (
    "campaign.started",
    "campaign.control",
    "prospect.reviewed",
    "audience.lookalike_requested",
    "prospect.update",
    "enrichment.requested",
)


@pytest.fixture
def icp_body() -> dict[str, Any]:
    return json.loads(SAMPLE_ICP.read_text())


@pytest.fixture(scope="session")
async def db_urls(migrated_urls: MigratedUrls) -> dict[str, str]:
    """``admin`` (owner, seeds lead-writer's tables) and ``gateway`` (the service's role)."""
    return await migrated_urls("gateway")


@pytest.fixture(scope="session")
async def admin_engine(db_urls: dict[str, str]) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(db_urls["admin"], pool_size=4)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def gateway_engine(db_urls: dict[str, str]) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(db_urls["gateway"], pool_size=4)
    yield engine
    await engine.dispose()


#: The personal-data keys of the test app: the session's test key (leadgen_common.testing.pii),
#: which the seeds below use to store contact details as lead-writer does, encrypted.
PII_KEYS = {
    kid: base64.b64encode(key).decode() for kid, key in TEST_CIPHER.source.keyring().keys.items()
}


@pytest.fixture(scope="session")
def settings() -> GatewaySettings:
    return GatewaySettings(
        environment="test",
        kafka_bootstrap_servers="127.0.0.1:1",
        pii_keys=json.dumps(PII_KEYS),
        pii_key_id=TEST_KID,
    )


@dataclass
class Api:
    """An HTTP client on the app, the events it published, and token helpers."""

    client: httpx.AsyncClient
    settings: GatewaySettings
    bus: EventBus
    published: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def token(self, team: str, role: Role | str = Role.ADMIN, subject: str | None = None) -> str:
        return issue_token(self.settings, team=team, role=role, subject=subject)

    def auth(self, team: str, role: Role | str = Role.ADMIN) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(team, role)}"}

    def events(self, topic: str) -> list[dict[str, Any]]:
        return self.published[topic]


def _recorder(into: list[dict[str, Any]]) -> Any:
    async def record(body: dict[str, Any], message: KafkaMessage) -> None:
        into.append({**body, "_key": message.raw_message.key})

    return record


@asynccontextmanager
async def running_gateway(
    settings: GatewaySettings, engine: AsyncEngine, topics: Sequence[str] = PUBLISHED_TOPICS
) -> AsyncIterator[Api]:
    """The gateway app under FastStream's TestKafkaBroker, its lifespan run, behind an
    httpx client; what it publishes on ``topics`` is recorded in ``Api.published``."""
    bus = EventBus(settings)
    published: dict[str, list[dict[str, Any]]] = {topic: [] for topic in topics}
    for topic in topics:
        bus.broker.subscriber(topic)(_recorder(published[topic]))
    app = create_app(settings, engine=engine, bus=bus)
    async with TestKafkaBroker(bus.broker), app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield Api(client, settings, bus, published)


@pytest.fixture
async def api(settings: GatewaySettings, gateway_engine: AsyncEngine) -> AsyncIterator[Api]:
    async with running_gateway(settings, gateway_engine) as api:
        yield api


@pytest.fixture
def team() -> str:
    """A team of its own for each test: tests see only their own data, as tenants do."""
    return f"team-{uuid.uuid4().hex[:12]}"


def sealed_contact(team_id: uuid.UUID, prospect_id: uuid.UUID, **values: str) -> dict[str, Any]:
    """contact_info as lead-writer stores it: email and phone encrypted for the person."""
    return TEST_CIPHER.seal_fields(
        values, ("email", "phone"), team_id=team_id, prospect_id=prospect_id
    )


class Seed:
    """Writes lead-writer's read models as the owner role, standing in for lead-writer."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def progress(self, campaign_id: uuid.UUID, team_id: uuid.UUID, **values: Any) -> None:
        async with self.engine.begin() as conn:
            row = {"campaign_id": campaign_id, "team_id": team_id, **values}
            await conn.execute(campaign_progress.insert().values(**row))

    async def cursor(
        self, campaign_id: uuid.UUID, team_id: uuid.UUID, platform: str, **values: Any
    ) -> None:
        """A discovery cursor row, standing in for discovery."""
        row = {"campaign_id": campaign_id, "team_id": team_id, "platform": platform, **values}
        async with self.engine.begin() as conn:
            await conn.execute(discovery_cursors.insert().values(status="running", **row))

    async def prospect(
        self,
        team_id: uuid.UUID,
        campaign_id: uuid.UUID,
        profile_id: str,
        *,
        status: str = "new",
        score: float | None = None,
        platform: str = "linkedin",
        erased: bool = False,
        discovered_at: datetime | None = None,
        enrichment_skipped: str | None = None,
    ) -> uuid.UUID:
        prospect_id = prospect_id_for(team_id, platform, profile_id)
        breakdown = None
        if score is not None:
            dim = {"score": score, "reasons": [f"{profile_id} matches"]}
            breakdown = dict.fromkeys(DIMENSIONS, dim)
        person = {
            "name": None if erased else f"Person {profile_id}",
            "title": None if erased else "CTO",
            "company_name": None if erased else "Acme",
            "location": None if erased else "Berlin",
        }
        at = discovered_at or datetime.now(UTC)
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(prospects)
                .values(
                    id=prospect_id,
                    team_id=team_id,
                    platform=platform,
                    platform_profile_id=profile_id,
                    profile_url=f"https://www.linkedin.com/in/{profile_id}",
                    contact_info={}
                    if erased
                    else sealed_contact(team_id, prospect_id, email=f"{profile_id}@acme.io"),
                    erased_at=datetime.now(UTC) if erased else None,
                    **person,
                )
                .on_conflict_do_nothing()
            )
            await conn.execute(
                campaign_prospects.insert().values(
                    campaign_id=campaign_id,
                    prospect_id=prospect_id,
                    team_id=team_id,
                    platform=platform,
                    status=status,
                    icp_match_score=score,
                    quality_score=None if score is None else 0.8,
                    breakdown=breakdown,
                    enrichment_skipped=enrichment_skipped,
                    discovered_at=at,
                )
            )
        return prospect_id

    async def lead(
        self,
        team_id: uuid.UUID,
        prospect_id: uuid.UUID,
        campaign_id: uuid.UUID,
        *,
        status: str = "new",
        source: str = "auto",
        created_at: datetime | None = None,
    ) -> uuid.UUID:
        lead_id = lead_id_for(prospect_id)
        async with self.engine.begin() as conn:
            await conn.execute(
                leads.insert().values(
                    id=lead_id,
                    team_id=team_id,
                    prospect_id=prospect_id,
                    campaign_id=campaign_id,
                    status=status,
                    source=source,
                    icp_match_score=0.9,
                    quality_score=0.8,
                    created_at=created_at or datetime.now(UTC),
                )
            )
        return lead_id

    async def rows(self, table: Table, **where: Any) -> list[dict[str, Any]]:
        query = select(table).where(*(table.c[k] == v for k, v in where.items()))
        async with self.engine.connect() as conn:
            return [dict(r) for r in (await conn.execute(query)).mappings()]


@pytest.fixture
def seed(admin_engine: AsyncEngine) -> Seed:
    return Seed(admin_engine)


async def create_icp(api: Api, team: str, body: dict[str, Any]) -> str:
    response = await api.client.post("/api/v1/icps", json=body, headers=api.auth(team))
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def start_campaign(api: Api, team: str, icp_id: str, **overrides: Any) -> str:
    body = {"icpId": icp_id, "name": "Q4", "platforms": ["linkedin"], **overrides}
    response = await api.client.post(
        "/api/v1/prospecting/campaigns", json=body, headers=api.auth(team)
    )
    assert response.status_code == 202, response.text
    return response.json()["campaignId"]


@pytest.fixture
def make_icp(api: Api, icp_body: dict[str, Any]):
    """``await make_icp(team)`` -> the id of a new sample ICP of ``team``."""
    return lambda team: create_icp(api, team, icp_body)


@pytest.fixture
def make_campaign(api: Api, icp_body: dict[str, Any]):
    """``await make_campaign(team, **body_overrides)`` -> the id of a started campaign."""

    async def make(team: str, **overrides: Any) -> str:
        return await start_campaign(api, team, await create_icp(api, team, icp_body), **overrides)

    return make

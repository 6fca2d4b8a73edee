"""Shared builders for the enrichment tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from leadgen_common.contracts import prospect_id_for, team_id_for
from leadgen_common.contracts.events import CampaignOptions, ProspectDiscovered, ProspectProfile
from leadgen_common.crypto import CONTACT_FIELDS, ENRICHMENT_FIELDS
from leadgen_common.db import schema
from leadgen_common.db.engine import make_engine
from leadgen_common.testing.fixtures import MigratedUrls
from leadgen_common.testing.pii import TEST_CIPHER
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.pool import NullPool

TEAM = team_id_for("enrichment-tests")


def _discovered(
    *, company_domain: str | None = "acme.io", auto_enrich: bool = True, campaign_id=None
) -> ProspectDiscovered:
    profile = ProspectProfile(
        platform="linkedin",
        platform_profile_id="ada-1",
        profile_url="https://www.linkedin.com/in/ada-1",
        name="Ada Example",
        title="VP Engineering",
        company_name="Acme",
        company_domain=company_domain,
        location="Berlin, Germany",
    )
    return ProspectDiscovered(
        prospect_id=prospect_id_for(TEAM, "linkedin", "ada-1"),
        campaign_id=campaign_id or uuid.uuid4(),
        rank=0,
        profile=profile,
        options=CampaignOptions(auto_enrich=auto_enrich),
    )


def _clearbit_company(**overrides: Any) -> dict[str, Any]:
    """A company object shaped like Clearbit's Company API answer."""
    body: dict[str, Any] = {
        "id": "3f5d6a4e-0000-4000-8000-000000000001",
        "name": "Acme",
        "legalName": "Acme Software GmbH",
        "domain": "acme.io",
        "domainAliases": ["acme.de"],
        "category": {
            "sector": "Information Technology",
            "industryGroup": "Software & Services",
            "industry": "Internet Software & Services",
            "subIndustry": "Internet Software & Services",
            "sicCode": "73",
            "naicsCode": "54",
        },
        "tags": ["SAAS", "B2B", "Technology"],
        "description": "Acme builds developer tooling.",
        "foundedYear": 2014,
        "location": "Torstrasse 1, 10119 Berlin, Germany",
        "geo": {"city": "Berlin", "state": "Berlin", "country": "Germany", "countryCode": "DE"},
        "metrics": {
            "employees": 180,
            "employeesRange": "51-250",
            "raised": 42_000_000,
            "annualRevenue": None,
            "estimatedAnnualRevenue": "$10M-$50M",
        },
        "tech": ["google_analytics", "segment", "aws_route_53"],
        "type": "private",
    }
    body.update(overrides)
    return body


class FakeCampaigns:
    """CampaignState at the database edge: which campaigns the 'database' says are cancelled."""

    def __init__(self, cancelled_in_db: set[uuid.UUID] | None = None) -> None:
        self.cancelled_in_db = cancelled_in_db or set()
        self.remembered: set[uuid.UUID] = set()
        self.asked: list[uuid.UUID] = []

    def remember_cancelled(self, campaign_id: uuid.UUID) -> None:
        self.remembered.add(campaign_id)

    async def is_cancelled(self, campaign_id: uuid.UUID) -> bool:
        self.asked.append(campaign_id)
        return campaign_id in self.remembered or campaign_id in self.cancelled_in_db


@pytest.fixture
def campaigns() -> FakeCampaigns:
    return FakeCampaigns()


@pytest.fixture
def make_discovered():
    """``make_discovered(company_domain=..., auto_enrich=..., campaign_id=...)``."""
    return _discovered


@pytest.fixture
def company_body():
    """``company_body(**overrides)``: a Clearbit company object."""
    return _clearbit_company


@pytest.fixture(scope="session")
async def migrated_db(migrated_urls: MigratedUrls) -> dict[str, str]:
    """URLs of a database migrated to head: ``admin`` (owner) and ``enrichment`` (the
    service's own role, SELECT everywhere, writes only enrichment_jobs)."""
    return await migrated_urls("enrichment")


@pytest.fixture(scope="session")
def valkey_url():
    """A real Valkey server for the whole session (stopped at its end)."""
    from leadgen_common.testing.valkey import running_valkey

    with running_valkey() as url:
        yield url


@pytest.fixture
async def redis(valkey_url):
    """A client on an emptied database: every test starts without cache or spend."""
    from redis.asyncio import Redis

    client = Redis.from_url(valkey_url)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.aclose()


# ------------------------------------------------------------ on-demand enrichment (DB)
@pytest.fixture
async def owner_engine(migrated_db):
    """The owner role: seeds other services' tables (lead-writer's, the gateway's)."""
    engine = make_engine(migrated_db["admin"], poolclass=NullPool)
    yield engine
    await engine.dispose()


@pytest.fixture
async def service_engine(migrated_db):
    """The enrichment service's own role, as the service connects."""
    engine = make_engine(migrated_db["enrichment"], poolclass=NullPool)
    yield engine
    await engine.dispose()


class Seed:
    """Writes the gateway's campaigns and lead-writer's prospects as the owner role."""

    def __init__(self, engine) -> None:
        self.engine = engine

    async def campaign(
        self, team_id: uuid.UUID, *, requested_status: str = "running", **options: Any
    ) -> uuid.UUID:
        async with self.engine.begin() as conn:
            icp_id = (
                await conn.execute(
                    schema.icps.insert()
                    .values(team_id=team_id, name="icp", definition={})
                    .returning(schema.icps.c.id)
                )
            ).scalar_one()
            return (
                await conn.execute(
                    schema.campaigns.insert()
                    .values(
                        team_id=team_id,
                        icp_id=icp_id,
                        name="c",
                        platforms=["linkedin"],
                        options=CampaignOptions(**options).model_dump(mode="json"),
                        requested_status=requested_status,
                        created_by="u",
                    )
                    .returning(schema.campaigns.c.id)
                )
            ).scalar_one()

    async def prospect(
        self,
        team_id: uuid.UUID,
        campaign_id: uuid.UUID,
        profile_id: str,
        *,
        discovered_at=None,
        **columns: Any,
    ) -> uuid.UUID:
        """A prospect (Ada at acme.io unless ``columns`` say otherwise) in a campaign."""
        prospect_id = prospect_id_for(team_id, "linkedin", profile_id)
        row = {
            "profile_url": f"https://www.linkedin.com/in/{profile_id}",
            "name": "Ada Example",
            "title": "VP Engineering",
            "company_name": "Acme",
            "company_domain": "acme.io",
            "location": "Berlin, Germany",
            **columns,
        }
        # stored as lead-writer stores them: contact details encrypted
        where = {"team_id": team_id, "prospect_id": prospect_id}
        sealed = (("contact_info", CONTACT_FIELDS), ("enrichment_data", ENRICHMENT_FIELDS))
        for column, names in sealed:
            if row.get(column) is not None:
                row[column] = TEST_CIPHER.seal_fields(row[column], names, **where)
        at = discovered_at or datetime.now(UTC)
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(schema.prospects)
                .values(
                    id=prospect_id,
                    team_id=team_id,
                    platform="linkedin",
                    platform_profile_id=profile_id,
                    **row,
                )
                .on_conflict_do_nothing()
            )
            await conn.execute(
                schema.campaign_prospects.insert().values(
                    campaign_id=campaign_id,
                    prospect_id=prospect_id,
                    team_id=team_id,
                    platform="linkedin",
                    discovered_at=at,
                )
            )
        return prospect_id


@pytest.fixture
def seed(owner_engine) -> Seed:
    return Seed(owner_engine)

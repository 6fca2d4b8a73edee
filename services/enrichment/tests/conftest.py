"""Shared builders for the enrichment tests."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from leadgen_common.contracts import prospect_id_for, team_id_for
from leadgen_common.contracts.events import CampaignOptions, ProspectDiscovered, ProspectProfile
from leadgen_common.testing.fixtures import MigratedUrls

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

"""The whole waterfall against the sandbox app in process (httpx.ASGITransport), with the
real Redis limiter, cache and budgets on a real Valkey."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx
import pytest
from leadgen_common.contracts import prospect_id_for, team_id_for
from leadgen_common.contracts.events import CampaignOptions, ProspectDiscovered, ProspectProfile
from leadgen_common.ratelimit import RateLimiter, RateLimitSettings
from leadgen_devstack.sandbox.app import create_app as sandbox_app
from leadgen_devstack.sandbox.linkedin import vanity_name
from leadgen_devstack.sandbox.population import build_population
from leadgen_devstack.sandbox.settings import SandboxSettings
from leadgen_enrichment.adapters.budget import RedisBudget
from leadgen_enrichment.adapters.result_cache import RedisResultCache
from leadgen_enrichment.enrich import Enricher
from leadgen_enrichment.main import operations, waterfall_config
from leadgen_enrichment.settings import EnrichmentSettings

TEAM = team_id_for("waterfall-tests")


@pytest.fixture(scope="module")
def population():
    return build_population(400)


class NeverCancelled:
    def remember_cancelled(self, campaign_id) -> None: ...

    async def is_cancelled(self, campaign_id) -> bool:
        return False


def discovered(person, *, rank: int = 0, campaign_id: uuid.UUID | None = None):
    profile = ProspectProfile(
        platform="linkedin",
        platform_profile_id=vanity_name(person),
        profile_url=f"https://www.linkedin.com/in/{vanity_name(person)}",
        name=f"{person.first_name} {person.last_name}",
        title=person.title,
        company_name=person.company.name,
        company_domain=person.company.domain,
        location=person.city.name,
        headline=person.headline,
    )
    return ProspectDiscovered(
        prospect_id=prospect_id_for(TEAM, "linkedin", profile.platform_profile_id),
        campaign_id=campaign_id or uuid.uuid4(),
        rank=rank,
        profile=profile,
        options=CampaignOptions(),
    )


@pytest.fixture
async def make_enricher(population, redis):
    """``make_enricher(rate_limits=None, **settings)`` -> Enricher over the sandbox."""
    opened: list[httpx.AsyncClient] = []
    app = sandbox_app(SandboxSettings(population=len(population.people)), population)

    def make(rate_limits: RateLimitSettings | None = None, **overrides) -> Enricher:
        settings = EnrichmentSettings(sandbox_url="http://sandbox", **overrides)
        limiter = RateLimiter(redis, (rate_limits or RateLimitSettings()).limit_table())
        ops, clients = operations(settings, limiter)
        for http in clients:  # the pooled clients, pointed at the app in process
            http._transport = httpx.ASGITransport(app=app)
            opened.append(http)
        return Enricher(
            operations=ops,
            campaigns=NeverCancelled(),
            cache=RedisResultCache(redis, settings.enrichment_cache_ttl_s),
            budget=RedisBudget(
                redis,
                team_monthly=settings.enrichment_team_monthly_budget,
                per_campaign=settings.enrichment_campaign_budget,
            ),
            config=waterfall_config(settings),
        )

    yield make
    for http in opened:
        await http.aclose()


def calls_of(enriched) -> list[tuple[str, str, str]]:
    return [(c.provider, c.operation, c.status) for c in enriched.provider_calls]


def person_with_status(population, app_emails_status: str):
    from leadgen_devstack.sandbox.context import Context

    context = Context(SandboxSettings(population=len(population.people)), population, lambda: 0)
    for index in range(len(population.people)):
        if context.emails.work_status(index)[0] == app_emails_status:
            return population.person(index)
    raise LookupError(app_emails_status)


async def test_default_order_fills_company_then_email_and_stops(population, make_enricher):
    person = person_with_status(population, "valid")
    enriched = await make_enricher().enrich(discovered(person), TEAM)
    # Apollo's "verified" is our "valid": Hunter is never asked.
    assert calls_of(enriched) == [
        ("clearbit", "company", "success"),
        ("apollo", "people_match", "success"),
    ]
    e = enriched.enrichment
    assert e.company.domain == person.company.domain
    assert e.email and e.email.endswith("@" + person.company.domain)
    assert e.email_status == "valid"
    assert e.provenance == {"company": "clearbit", "email": "apollo", "email_status": "apollo"}
    assert set(e.provenance_at) == {"company", "email", "email_status"}
    # Costs come from the sandbox's X-Sandbox-Cost header.
    assert [c.cost for c in enriched.provider_calls] == [Decimal("0.10"), Decimal("0.03")]
    assert enriched.enrichment_skipped is None


async def test_an_unverified_apollo_email_is_verified_by_hunter(population, make_enricher):
    person = person_with_status(population, "accept_all")
    enriched = await make_enricher().enrich(discovered(person), TEAM)
    assert calls_of(enriched)[-1] == ("hunter", "email_verifier", "success")
    assert enriched.enrichment.email_status == "accept_all"
    assert enriched.enrichment.provenance["email_status"] == "hunter"


async def test_team_order_puts_hunter_first(population, make_enricher):
    person = person_with_status(population, "valid")
    enricher = make_enricher(
        enrichment_waterfall_by_team={str(TEAM): ["hunter", "clearbit", "apollo"]}
    )
    enriched = await enricher.enrich(discovered(person), TEAM)
    assert calls_of(enriched) == [
        ("hunter", "email_finder", "success"),
        ("clearbit", "company", "success"),
    ]
    assert enriched.enrichment.provenance["email"] == "hunter"


async def test_a_second_enrichment_is_served_from_the_cache_for_free(population, make_enricher):
    person = person_with_status(population, "valid")
    enricher = make_enricher()
    first = await enricher.enrich(discovered(person), TEAM)
    again = await enricher.enrich(discovered(person), TEAM)
    assert [c.status for c in again.provider_calls] == ["cached", "cached"]
    assert sum(c.cost for c in again.provider_calls) == 0
    assert again.enrichment == first.enrichment  # provenance times are the provider's
    other_team = await enricher.enrich(discovered(person), team_id_for("someone-else"))
    assert [c.status for c in other_team.provider_calls] == ["success", "success"]


async def test_a_spent_team_budget_skips_paid_calls_but_the_prospect_moves_on(
    population, make_enricher, redis
):
    person = person_with_status(population, "valid")
    enricher = make_enricher(enrichment_team_monthly_budget=Decimal("0.13"))
    first = await enricher.enrich(discovered(person), TEAM)
    assert [c.status for c in first.provider_calls] == ["success", "success"]
    other = population.person(person.index + 1)
    second = await enricher.enrich(discovered(other), TEAM)
    assert second.enrichment_skipped == "budget"
    assert [c.status for c in second.provider_calls if c.status != "cached"] == []
    spent, _ = await enricher.budget.spent(str(TEAM), first.campaign_id)
    assert spent == Decimal("0.13")  # reserved at list price, settled to the header's cost


async def test_a_campaign_budget_is_per_campaign(population, make_enricher):
    person = person_with_status(population, "valid")
    enricher = make_enricher(enrichment_campaign_budget=Decimal("0.05"))
    campaign = uuid.uuid4()
    first = await enricher.enrich(discovered(person, campaign_id=campaign), TEAM)
    # Clearbit (0.10) does not fit; Apollo (0.03) does and fills every required field.
    assert calls_of(first) == [("apollo", "people_match", "success")]
    assert first.enrichment_skipped is None
    other = population.person(person.index + 5)
    second = await enricher.enrich(discovered(other, campaign_id=campaign), TEAM)
    assert (second.enrichment_skipped, second.provider_calls) == ("budget", [])
    elsewhere = await enricher.enrich(discovered(other), TEAM)
    assert calls_of(elsewhere) == [("apollo", "people_match", "success")]


async def test_low_prescore_skips_every_provider(population, make_enricher):
    person = population.person(3)
    weak = discovered(person).model_copy(
        update={
            "profile": discovered(person).profile.model_copy(
                update={"title": None, "headline": None, "location": None}
            ),
            "rank": 990,
        }
    )
    enriched = await make_enricher().enrich(weak, TEAM)
    assert (enriched.enrichment_skipped, enriched.provider_calls) == ("low_prescore", [])


async def test_an_empty_limiter_bucket_is_rate_limited_not_lost(population, make_enricher):
    person = person_with_status(population, "valid")
    tight = RateLimitSettings(rate_limits={"clearbit:enrich": 1})
    enricher = make_enricher(tight, rate_limit_wait_s=0.0)
    await enricher.enrich(discovered(person), TEAM)
    other = population.person(person.index + 2)
    enriched = await enricher.enrich(discovered(other), TEAM)
    assert calls_of(enriched)[0] == ("clearbit", "company", "rate_limited")
    assert enriched.provider_calls[0].cost == 0
    assert enriched.enrichment.email is not None  # the waterfall went on to Apollo

"""Suppression and erasure in enrichment, on the sandbox providers in process, a real Valkey
(cache, index, budgets, limiter) and a real Postgres (the hashed suppression list, read as
the enrichment role): a suppressed person costs nothing and is published withheld; one
whose found email is suppressed is withheld and their cached answers deleted; a
prospect.erase (or lead-writer's prospect.erased) deletes the person's cached answers and
only theirs."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from faststream.kafka import TestKafkaBroker
from leadgen_common.contracts import envelope_for, prospect_id_for, utcnow
from leadgen_common.contracts.events import (
    CampaignOptions,
    EraseProspect,
    ProspectDiscovered,
    ProspectErased,
    ProspectProfile,
)
from leadgen_common.db.engine import make_engine
from leadgen_common.db.schema import suppressions
from leadgen_common.db.suppressions import SuppressionList
from leadgen_common.kafka import EventBus
from leadgen_common.ratelimit import RateLimiter, RateLimitSettings
from leadgen_common.suppression import entry
from leadgen_devstack.sandbox.app import create_app as sandbox_app
from leadgen_devstack.sandbox.linkedin import vanity_name
from leadgen_devstack.sandbox.population import build_population
from leadgen_devstack.sandbox.settings import SandboxSettings
from leadgen_enrichment import handlers
from leadgen_enrichment.adapters.budget import RedisBudget
from leadgen_enrichment.adapters.result_cache import PREFIX, RedisResultCache, index_key
from leadgen_enrichment.enrich import Enricher
from leadgen_enrichment.main import operations, waterfall_config
from leadgen_enrichment.settings import EnrichmentSettings
from sqlalchemy.pool import NullPool

pytestmark = pytest.mark.timeout(60)


class NeverCancelled:
    def remember_cancelled(self, campaign_id) -> None: ...

    async def is_cancelled(self, campaign_id) -> bool:
        return False


@pytest.fixture(scope="module")
def population():
    return build_population(200)


@pytest.fixture
async def list_engine(migrated_db):
    engine = make_engine(migrated_db["enrichment"], poolclass=NullPool)
    yield engine
    await engine.dispose()


@pytest.fixture
async def enricher(population, redis, list_engine) -> AsyncIterator[Enricher]:
    app = sandbox_app(SandboxSettings(population=len(population.people)), population)
    settings = EnrichmentSettings(sandbox_url="http://sandbox")
    ops, clients = operations(settings, RateLimiter(redis, RateLimitSettings().limit_table()))
    for http in clients:
        http._transport = httpx.ASGITransport(app=app)
    yield Enricher(
        operations=ops,
        campaigns=NeverCancelled(),
        cache=RedisResultCache(redis, settings.enrichment_cache_ttl_s),
        budget=RedisBudget(redis, team_monthly=None, per_campaign=None),
        config=waterfall_config(settings),
        suppressions=SuppressionList(list_engine),
    )
    for http in clients:
        await http.aclose()


async def suppress(owner_engine, team_id: uuid.UUID, kind: str, value: str) -> None:
    listed = entry(kind, value)
    async with owner_engine.begin() as conn:
        await conn.execute(
            suppressions.insert().values(team_id=team_id, kind=listed.kind, value=listed.digest)
        )


def discovered(team_id: uuid.UUID, person) -> ProspectDiscovered:
    profile = ProspectProfile(
        platform="linkedin",
        platform_profile_id=vanity_name(person),
        profile_url=f"https://www.linkedin.com/in/{vanity_name(person)}",
        name=f"{person.first_name} {person.last_name}",
        title=person.title,
        company_name=person.company.name,
        company_domain=person.company.domain,
    )
    return ProspectDiscovered(
        prospect_id=prospect_id_for(team_id, "linkedin", profile.platform_profile_id),
        campaign_id=uuid.uuid4(),
        rank=0,
        profile=profile,
        options=CampaignOptions(),
    )


async def cached(redis, team_id: uuid.UUID) -> dict[str, bytes]:
    """The team's cache entries, key -> value."""
    keys = [k async for k in redis.scan_iter(match=f"{PREFIX}:{team_id}:*")]
    return {k.decode(): await redis.get(k) for k in keys}


def withheld_ok(event, prospect: ProspectDiscovered) -> None:
    assert event.enrichment_skipped == "suppressed"
    assert event.enrichment.model_dump(exclude_defaults=True) == {}
    profile = event.profile.model_dump(exclude_defaults=True)
    assert profile == {
        "platform": "linkedin",
        "platform_profile_id": prospect.profile.platform_profile_id,
        "profile_url": "",
        "name": "",
    }


async def test_a_suppressed_person_costs_nothing_and_is_published_withheld(
    enricher, population, owner_engine, redis
):
    team = uuid.uuid4()
    person = population.person(3)
    prospect = discovered(team, person)
    await suppress(owner_engine, team, "profile_url", prospect.profile.profile_url)

    event = await enricher.enrich(prospect, team)

    withheld_ok(event, prospect)
    assert event.provider_calls == []
    assert await cached(redis, team) == {}
    # The same person, of another team that did not suppress them, is enriched.
    other = uuid.uuid4()
    assert (await enricher.enrich(discovered(other, person), other)).enrichment.email


async def test_a_found_email_on_the_list_withholds_the_person_and_forgets_their_answers(
    enricher, population, owner_engine, redis
):
    person = population.person(5)
    scout = uuid.uuid4()
    email = (await enricher.enrich(discovered(scout, person), scout)).enrichment.email
    assert email
    team = uuid.uuid4()
    await suppress(owner_engine, team, "email", email.upper())
    prospect = discovered(team, person)

    event = await enricher.enrich(prospect, team)

    withheld_ok(event, prospect)
    assert event.provider_calls  # paid for before the email was known: kept for the ledger
    left = await cached(redis, team)
    assert all(email.encode() not in value for value in left.values())
    assert len(left) == 1 and ":clearbit:company:" in next(iter(left))  # the company's stays
    assert not await redis.exists(index_key(str(team), prospect.prospect_id))


@pytest.mark.parametrize("topic", ["prospect.erase", "prospect.erased"])
async def test_an_erasure_deletes_the_persons_cached_answers_only(
    enricher, population, redis, topic
):
    """The command, or lead-writer's confirmation (it also erases people their team's
    suppression list names, which no command names)."""
    team = uuid.uuid4()
    ann, bob = discovered(team, population.person(7)), discovered(team, population.person(8))
    found = [await enricher.enrich(p, team) for p in (ann, bob)]
    before = await cached(redis, team)
    ann_email, bob_email = (f.enrichment.email.encode() for f in found)
    assert any(ann_email in v for v in before.values())

    bus = EventBus(EnrichmentSettings(service_name="enrichment", handler_retries=0))
    handlers.register(bus, enricher)
    payload = {
        "prospect.erase": EraseProspect(prospect_id=ann.prospect_id, requested_by="admin"),
        "prospect.erased": ProspectErased(prospect_id=ann.prospect_id, erased_at=utcnow()),
    }[topic]
    erase = envelope_for(payload, team_id=team, correlation_id="erase-1")
    async with TestKafkaBroker(bus.broker):
        await bus.publish(erase)
        await bus.publish(erase)  # redelivered: nothing more to do, no error

    after = await cached(redis, team)
    assert not any(ann_email in v for v in after.values())
    assert any(bob_email in v for v in after.values())
    assert not await redis.exists(index_key(str(team), ann.prospect_id))
    assert await redis.exists(index_key(str(team), bob.prospect_id))
    gone = set(before) - set(after)
    assert gone and all(":clearbit:company:" not in key for key in gone)

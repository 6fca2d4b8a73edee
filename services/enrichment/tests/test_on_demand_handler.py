"""enrichment.requested through FastStream's in-memory Kafka broker, with the service's
real job store, prospect reader and cancellation check on a real Postgres (enrichment
role; lead-writer's and the gateway's rows seeded as the owner) and the real cache and
budgets on a real Valkey. Fakes sit at the provider edge only: scripted operations that
record what they were asked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from leadgen_common.contracts import NAMESPACE, decode, envelope_for, team_id_for
from leadgen_common.contracts.events import CompanyData, ProviderCall, RequestEnrichment
from leadgen_common.db.schema import enrichment_job_items, enrichment_jobs
from leadgen_common.kafka import EventBus
from leadgen_common.testing.pii import TEST_CIPHER
from leadgen_enrichment import handlers
from leadgen_enrichment.adapters.budget import RedisBudget
from leadgen_enrichment.adapters.campaign_state import CampaignCancellations
from leadgen_enrichment.adapters.jobs import JobStore
from leadgen_enrichment.adapters.prospect_source import ProspectSource
from leadgen_enrichment.adapters.result_cache import RedisResultCache
from leadgen_enrichment.domain.findings import Finding
from leadgen_enrichment.enrich import Enricher, WaterfallConfig
from leadgen_enrichment.on_demand import OnDemandEnrichment
from leadgen_enrichment.ports import Lookup
from leadgen_enrichment.settings import EnrichmentSettings
from sqlalchemy import select

AT = datetime(2026, 1, 2, tzinfo=UTC)
ACME = CompanyData(name="Acme", domain="acme.io", industry="Software", employees=180)
PRICES = {
    "clearbit:company": Decimal("0.10"),
    "clearbit:person": Decimal("0.15"),
    "hunter:email_finder": Decimal("0.05"),
    "hunter:email_verifier": Decimal("0.01"),
    "apollo:people_match": Decimal("0.03"),
}


@dataclass
class Providers:
    """Scripted provider operations: each records what it was asked and answers
    ``status`` (success with a finding, or failed / a raised error)."""

    status: str = "success"
    raises: Exception | None = None
    asked: list[tuple[str, str | None]] = field(default_factory=list)

    def operations(self):
        return {key: self._operation(key) for key in PRICES}

    def _operation(self, key: str):
        provider, operation = key.split(":")

        async def run(known) -> Lookup:
            self.asked.append((key, known.email))
            if self.raises is not None:
                raise self.raises
            ok = self.status == "success"
            call = ProviderCall(
                provider=provider,
                operation=operation,
                status=self.status,
                cost=PRICES[key] if ok else Decimal(0),
                latency_ms=1.0,
            )
            return Lookup(call, _finding(provider, operation, known) if ok else None)

        return run

    @property
    def keys(self) -> list[str]:
        return [key for key, _ in self.asked]


def _finding(provider: str, operation: str, known) -> Finding:
    if operation == "company":
        return Finding(provider, AT, company=ACME)
    if operation == "email_verifier":
        return Finding(provider, AT, email_status="accept_all")
    return Finding(provider, AT, email="ada@acme.io", email_status="valid")


class Harness:
    def __init__(self, engine, redis, team_id, *, team_budget=None) -> None:
        self.team_id = team_id
        self.engine = engine
        self.providers = Providers()
        self.bus = EventBus(
            EnrichmentSettings(service_name="enrichment", handler_retry_backoff_s=0.01)
        )
        enricher = Enricher(
            operations=self.providers.operations(),
            campaigns=CampaignCancellations(engine, ttl_s=0),
            cache=RedisResultCache(redis, ttl_s=60),
            budget=RedisBudget(redis, team_monthly=team_budget, per_campaign=None),
            config=WaterfallConfig(
                order_for=lambda team: ["clearbit", "apollo", "hunter"],
                required=("company", "email", "email_status"),
                prices=PRICES,
                min_prescore=0.99,  # the campaign flow would skip everyone
            ),
        )
        on_demand = OnDemandEnrichment(
            enricher, JobStore(engine), ProspectSource(engine, TEST_CIPHER), self.bus.publish
        )
        handlers.register(self.bus, enricher, on_demand)
        self.enriched: list = []
        self.dead: list = []

        @self.bus.broker.subscriber("prospect.enriched", group_id="test-reader")
        async def read_enriched(message: KafkaMessage) -> None:
            self.enriched.append(decode("prospect.enriched", message.body))

        @self.bus.broker.subscriber("enrichment.requested.dlq", group_id="test-dlq")
        async def read_dlq(message: KafkaMessage) -> None:
            self.dead.append(message.headers)

    def command(self, job_id, prospect_id, total=1, **fields):
        payload = RequestEnrichment(
            job_id=job_id, prospect_id=prospect_id, job_total=total, requested_by="u", **fields
        )
        return envelope_for(payload, team_id=self.team_id, correlation_id=str(job_id))

    async def job(self, job_id):
        async with self.engine.connect() as conn:
            job = (
                (await conn.execute(select(enrichment_jobs).where(enrichment_jobs.c.id == job_id)))
                .mappings()
                .one()
            )
            items = (
                await conn.execute(
                    select(enrichment_job_items).where(enrichment_job_items.c.job_id == job_id)
                )
            ).mappings()
            return job, {row["prospect_id"]: (row["status"], row["error"]) for row in items}


@pytest.fixture
def team() -> uuid.UUID:
    return team_id_for(f"on-demand-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def harness(service_engine, redis, team):
    return lambda **kw: Harness(service_engine, redis, team, **kw)


async def test_requested_providers_only_with_earlier_findings_carried_over(harness, seed, team):
    h = harness()
    campaign_id = await seed.campaign(team, auto_enrich=False)
    previous = {"company": ACME.model_dump(mode="json"), "provenance": {"company": "clearbit"}}
    pid = await seed.prospect(team, campaign_id, "ada-1", enrichment_data=previous)
    job_id = uuid.uuid4()
    command = h.command(job_id, pid, providers=["hunter"])
    async with TestKafkaBroker(h.bus.broker):
        await h.bus.publish(command)

    assert h.providers.keys == ["hunter:email_finder"]
    [out] = h.enriched
    assert out.event_id == uuid.uuid5(NAMESPACE, f"prospect.enriched:{command.event_id}")
    assert (out.causation_id, out.correlation_id) == (command.event_id, str(job_id))
    assert (out.team_id, out.campaign_id) == (team, campaign_id)
    enriched = out.payload
    assert (enriched.prospect_id, enriched.campaign_id) == (pid, campaign_id)
    assert enriched.options.auto_enrich is False  # the campaign's options, carried
    assert enriched.profile.platform_profile_id == "ada-1"
    assert enriched.enrichment_skipped is None
    assert (enriched.enrichment.email, enriched.enrichment.email_status) == ("ada@acme.io", "valid")
    assert enriched.enrichment.company == ACME
    assert enriched.enrichment.provenance == {
        "company": "clearbit",
        "email": "hunter",
        "email_status": "hunter",
    }
    assert [(c.provider, c.operation, c.cost) for c in enriched.provider_calls] == [
        ("hunter", "email_finder", Decimal("0.05"))
    ]
    job, items = await h.job(job_id)
    assert (job["status"], job["total"], job["done"], job["failed"]) == ("completed", 1, 1, 0)
    assert items == {pid: ("done", None)}


async def test_no_providers_named_means_the_team_order_without_campaign_gates(harness, seed, team):
    h = harness()
    campaign_id = await seed.campaign(team, auto_enrich=False)
    pid = await seed.prospect(team, campaign_id, "ada-2", title=None, location=None)
    async with TestKafkaBroker(h.bus.broker):
        await h.bus.publish(h.command(uuid.uuid4(), pid))
    # autoEnrich off and a pre-score bar of 0.99 would stop the campaign flow.
    assert h.providers.keys == ["clearbit:company", "apollo:people_match"]
    [out] = h.enriched
    assert out.payload.enrichment.company == ACME
    assert out.payload.enrichment.email == "ada@acme.io"


@pytest.mark.parametrize(
    ("validate_email", "asked", "status"),
    [
        (False, ["clearbit:company"], None),
        (True, ["clearbit:company", "hunter:email_verifier"], "accept_all"),
    ],
)
async def test_a_user_edited_email_is_kept_and_verified_only_when_asked(
    harness, seed, team, validate_email, asked, status
):
    h = harness()
    campaign_id = await seed.campaign(team)
    pid = await seed.prospect(
        team,
        campaign_id,
        "ada-3",
        contact_info={"email": "ada@home.example", "email_status": "invalid"},
        edited_fields=["email"],
        enrichment_data={"email": "old@acme.io", "email_status": "invalid"},
    )
    async with TestKafkaBroker(h.bus.broker):
        await h.bus.publish(h.command(uuid.uuid4(), pid, validate_email=validate_email))
    assert h.providers.keys == asked
    if validate_email:
        assert h.providers.asked[-1] == ("hunter:email_verifier", "ada@home.example")
    enrichment = h.enriched[0].payload.enrichment
    assert enrichment.email == "ada@home.example"
    assert enrichment.provenance["email"] == "user"
    assert enrichment.email_status == status  # never the replaced address's status


async def test_a_redelivered_command_is_counted_and_published_once(harness, seed, team):
    h = harness()
    pid = await seed.prospect(team, await seed.campaign(team), "ada-4")
    job_id = uuid.uuid4()
    command = h.command(job_id, pid, total=2)
    async with TestKafkaBroker(h.bus.broker):
        await h.bus.publish(command)
        await h.bus.publish(command)
    assert len(h.enriched) == 1
    job, items = await h.job(job_id)
    assert (job["status"], job["done"], job["failed"]) == ("running", 1, 0)
    assert items == {pid: ("done", None)}


async def test_unknown_other_teams_and_erased_prospects_fail_their_items(harness, seed, team):
    h = harness()
    campaign_id = await seed.campaign(team)
    erased = await seed.prospect(
        team, campaign_id, "gone-1", name=None, erased_at=datetime.now(UTC)
    )
    other = team_id_for(f"other-{uuid.uuid4().hex[:8]}")
    theirs = await seed.prospect(other, await seed.campaign(other), "bob-1")
    unknown, job_id = uuid.uuid4(), uuid.uuid4()
    async with TestKafkaBroker(h.bus.broker):
        for pid in (erased, theirs, unknown):
            await h.bus.publish(h.command(job_id, pid, total=3))
    assert h.providers.asked == [] and h.enriched == [] and h.dead == []
    job, items = await h.job(job_id)
    assert (job["status"], job["done"], job["failed"]) == ("completed", 0, 3)
    assert items == {
        erased: ("failed", "erased"),
        theirs: ("failed", "unknown_prospect"),
        unknown: ("failed", "unknown_prospect"),
    }


async def test_a_cancelled_campaign_still_stops_paid_calls(harness, seed, team):
    h = harness()
    campaign_id = await seed.campaign(team, requested_status="cancelled")
    pid = await seed.prospect(team, campaign_id, "ada-5")
    job_id = uuid.uuid4()
    async with TestKafkaBroker(h.bus.broker):
        await h.bus.publish(h.command(job_id, pid))
    assert h.providers.asked == [] and h.enriched == []
    _, items = await h.job(job_id)
    assert items == {pid: ("failed", "campaign_cancelled")}


async def test_a_spent_budget_still_stops_paid_calls(harness, seed, team):
    h = harness(team_budget=Decimal("0"))
    pid = await seed.prospect(team, await seed.campaign(team), "ada-6")
    job_id = uuid.uuid4()
    async with TestKafkaBroker(h.bus.broker):
        await h.bus.publish(h.command(job_id, pid))
    assert h.providers.asked == [] and h.enriched == []
    _, items = await h.job(job_id)
    assert items == {pid: ("failed", "budget")}


async def test_failing_providers_fail_the_item_and_their_calls_still_reach_the_ledger(
    harness, seed, team
):
    h = harness()
    h.providers.status = "failed"
    pid = await seed.prospect(team, await seed.campaign(team), "ada-7")
    job_id = uuid.uuid4()
    async with TestKafkaBroker(h.bus.broker):
        await h.bus.publish(h.command(job_id, pid, providers=["clearbit"]))
    [out] = h.enriched
    assert [c.status for c in out.payload.provider_calls] == ["failed"]
    _, items = await h.job(job_id)
    assert items == {pid: ("failed", "provider_error (clearbit company: failed)")}


async def test_an_unexpected_enricher_error_fails_the_item_instead_of_losing_it(
    harness, seed, team
):
    h = harness()
    h.providers.raises = RuntimeError("boom")
    pid = await seed.prospect(team, await seed.campaign(team), "ada-8")
    job_id = uuid.uuid4()
    async with TestKafkaBroker(h.bus.broker):
        await h.bus.publish(h.command(job_id, pid))
    assert h.enriched == [] and h.dead == []
    job, items = await h.job(job_id)
    assert job["status"] == "completed"
    assert items == {pid: ("failed", "enrichment_error: RuntimeError")}

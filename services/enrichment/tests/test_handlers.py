"""The enrichment subscribers through FastStream's in-memory Kafka broker.

Fakes sit at the edges only: Clearbit's HTTP answers (httpx.MockTransport) and the
database's view of cancelled campaigns (FakeCampaigns).
"""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import httpx
import pytest
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from leadgen_common.contracts import decode, envelope_for
from leadgen_common.contracts.events import ControlCampaign
from leadgen_common.http_retry import ProviderGate, RetryPolicy
from leadgen_common.kafka import EventBus
from leadgen_enrichment import handlers
from leadgen_enrichment.adapters.budget import RedisBudget
from leadgen_enrichment.adapters.clearbit import ClearbitClient
from leadgen_enrichment.adapters.provider_http import ProviderHttp
from leadgen_enrichment.adapters.result_cache import RedisResultCache
from leadgen_enrichment.enrich import Enricher, WaterfallConfig
from leadgen_enrichment.settings import EnrichmentSettings
from prometheus_client import REGISTRY
from pydantic import SecretStr

TEAM = uuid.UUID("5f0b0c1e-0000-5000-8000-000000000001")


class Clearbit:
    """Scripted Clearbit answers: ``status`` for every request, counting them."""

    def __init__(self, status: int = 200, body: dict | None = None) -> None:
        self.status, self.body, self.requests = status, body or {}, 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return httpx.Response(self.status, json=self.body)


class Harness:
    def __init__(self, clearbit: Clearbit, campaigns, redis) -> None:
        self.bus = EventBus(
            EnrichmentSettings(service_name="enrichment", handler_retry_backoff_s=0.01)
        )
        self.http = httpx.AsyncClient(transport=httpx.MockTransport(clearbit))
        api = ProviderHttp(
            "clearbit",
            self.http,
            policy=RetryPolicy(attempts=3, backoff_s=0.001),
            gate=ProviderGate(asyncio.Semaphore(4)),
        )
        provider = ClearbitClient(
            api,
            base_url="http://sandbox.test/clearbit",
            api_key=SecretStr("sandbox-key"),
            company_cost=Decimal("0.10"),
            person_cost=Decimal("0.10"),
        )
        self.campaigns = campaigns

        async def company(known):
            return await provider.company(known.domain)

        enricher = Enricher(
            operations={"clearbit:company": company},
            campaigns=campaigns,
            cache=RedisResultCache(redis, ttl_s=60),
            budget=RedisBudget(redis, team_monthly=None, per_campaign=None),
            config=WaterfallConfig(
                order_for=lambda team: ["clearbit"],
                required=("company", "email", "email_status"),
                prices={"clearbit:company": Decimal("0.10")},
            ),
        )
        handlers.register(self.bus, enricher)
        self.enriched: list = []
        self.dead: list = []

        @self.bus.broker.subscriber("prospect.enriched", group_id="test-reader")
        async def read_enriched(message: KafkaMessage) -> None:
            self.enriched.append(decode("prospect.enriched", message.body))

        @self.bus.broker.subscriber("prospect.discovered.dlq", group_id="test-dlq")
        async def read_dlq(message: KafkaMessage) -> None:
            self.dead.append((message.body, message.headers))

    async def send(self, payload) -> object:
        envelope = envelope_for(payload, team_id=TEAM, correlation_id="corr-1")
        await self.bus.publish(envelope)
        return envelope


@pytest.fixture
async def harness_for(campaigns, redis):
    made: list[Harness] = []

    def make(clearbit: Clearbit) -> Harness:
        made.append(Harness(clearbit, campaigns, redis))
        return made[-1]

    yield make
    for harness in made:
        await harness.http.aclose()


async def test_discovered_in_enriched_out(harness_for, make_discovered, company_body):
    clearbit = Clearbit(200, company_body())
    h = harness_for(clearbit)
    payload = make_discovered()
    async with TestKafkaBroker(h.bus.broker):
        incoming = await h.send(payload)
    [out] = h.enriched
    assert (out.causation_id, out.correlation_id) == (incoming.event_id, "corr-1")
    assert (out.team_id, out.campaign_id) == (TEAM, payload.campaign_id)
    enriched = out.payload
    assert enriched.prospect_id == payload.prospect_id
    assert (enriched.profile, enriched.options) == (payload.profile, payload.options)
    assert enriched.enrichment_skipped is None
    assert enriched.enrichment.company.industry == "Internet Software & Services"
    assert enriched.enrichment.company.employees == 180
    assert enriched.enrichment.provenance == {"company": "clearbit"}
    assert enriched.enrichment.provenance_at["company"].tzinfo is not None
    [call] = enriched.provider_calls
    assert (call.provider, call.operation, call.status, call.cost) == (
        "clearbit",
        "company",
        "success",
        Decimal("0.10"),
    )


async def test_auto_enrich_off_is_skipped_with_its_reason_and_no_call(harness_for, make_discovered):
    clearbit = Clearbit(200)
    h = harness_for(clearbit)
    async with TestKafkaBroker(h.bus.broker):
        await h.send(make_discovered(auto_enrich=False))
    [out] = h.enriched
    assert out.payload.enrichment_skipped == "auto_enrich_off"
    assert out.payload.provider_calls == []
    assert out.payload.enrichment.company is None
    assert clearbit.requests == 0


async def test_no_domain_is_skipped_without_asking_the_database(
    harness_for, make_discovered, campaigns
):
    h = harness_for(Clearbit(200))
    async with TestKafkaBroker(h.bus.broker):
        await h.send(make_discovered(company_domain=None))
    assert h.enriched[0].payload.enrichment_skipped == "no_company_domain"
    assert campaigns.asked == []


async def test_provider_5xx_records_a_failed_call_and_the_prospect_moves_on(
    harness_for, make_discovered
):
    clearbit = Clearbit(503)
    h = harness_for(clearbit)
    async with TestKafkaBroker(h.bus.broker):
        await h.send(make_discovered())
    [out] = h.enriched
    assert clearbit.requests == 3  # first try + 2 bounded retries
    assert out.payload.enrichment_skipped is None
    assert out.payload.enrichment.company is None
    [call] = out.payload.provider_calls
    assert (call.status, call.cost) == ("failed", Decimal(0))
    assert h.dead == []


async def test_not_found_is_enriched_with_nothing_and_billed(harness_for, make_discovered):
    h = harness_for(Clearbit(404, {"error": {"type": "unknown_record"}}))
    async with TestKafkaBroker(h.bus.broker):
        await h.send(make_discovered())
    [call] = h.enriched[0].payload.provider_calls
    assert (call.status, call.cost) == ("success", Decimal("0.10"))
    assert h.enriched[0].payload.enrichment.company is None


async def test_cancel_control_stops_paid_calls_but_not_the_funnel(harness_for, make_discovered):
    clearbit = Clearbit(200)
    h = harness_for(clearbit)
    campaign_id = uuid.uuid4()
    cancel = ControlCampaign(campaign_id=campaign_id, action="cancel", requested_by="u")
    async with TestKafkaBroker(h.bus.broker):
        await h.send(cancel)
        await h.send(make_discovered(campaign_id=campaign_id))
    [out] = h.enriched
    assert out.payload.enrichment_skipped == "campaign_cancelled"
    assert out.payload.provider_calls == []
    assert clearbit.requests == 0


async def test_cancellation_seen_by_another_replica_is_read_from_the_database(
    harness_for, make_discovered, campaigns
):
    clearbit = Clearbit(200)
    h = harness_for(clearbit)
    campaign_id = uuid.uuid4()
    campaigns.cancelled_in_db.add(campaign_id)
    async with TestKafkaBroker(h.bus.broker):
        await h.send(make_discovered(campaign_id=campaign_id))
    assert h.enriched[0].payload.enrichment_skipped == "campaign_cancelled"
    assert clearbit.requests == 0


@pytest.mark.parametrize("action", ["pause", "resume"])
async def test_pause_and_resume_leave_in_flight_prospects_enriched(
    harness_for, make_discovered, action
):
    h = harness_for(Clearbit(200))
    campaign_id = uuid.uuid4()
    control = ControlCampaign(campaign_id=campaign_id, action=action, requested_by="u")
    async with TestKafkaBroker(h.bus.broker):
        await h.send(control)
        await h.send(make_discovered(campaign_id=campaign_id))
    assert h.enriched[0].payload.enrichment_skipped is None
    assert len(h.enriched[0].payload.provider_calls) == 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b"{not json", "not_json"), (b'{"schema_version": 1}', "wrong_event_type")],
)
async def test_malformed_discovered_goes_to_the_dlq(harness_for, body, reason):
    clearbit = Clearbit(200)
    h = harness_for(clearbit)
    async with TestKafkaBroker(h.bus.broker):
        await h.bus.broker.publish(body, topic="prospect.discovered", key=b"k")
    [(dead_body, headers)] = h.dead
    assert (dead_body, headers["x-dlq-reason"]) == (body, reason)
    assert headers["x-dlq-service"] == "enrichment"
    assert h.enriched == []
    assert clearbit.requests == 0


async def test_contract_violation_goes_to_the_dlq(harness_for, make_discovered):
    h = harness_for(Clearbit(200))
    envelope = envelope_for(make_discovered(), team_id=TEAM, correlation_id="c")
    raw = envelope.model_dump(mode="json")
    raw["payload"]["rank"] = -1
    async with TestKafkaBroker(h.bus.broker):
        await h.bus.broker.publish(raw, topic="prospect.discovered", key=b"k")
    [(_, headers)] = h.dead
    assert headers["x-dlq-reason"] == "contract_violation"
    assert "rank" in headers["x-dlq-error"]


async def test_a_redelivered_prospect_is_republished_under_the_same_event_id_from_the_cache(
    harness_for, make_discovered, company_body
):
    """At-least-once: a prospect.discovered handled again (a crash before the offset
    commit) yields the very same prospect.enriched event id, so lead-writer and scoring
    drop the repeat; its provider answer comes from the cache at no cost."""
    clearbit = Clearbit(200, company_body())
    h = harness_for(clearbit)
    incoming = envelope_for(make_discovered(), team_id=TEAM, correlation_id="corr-1")
    async with TestKafkaBroker(h.bus.broker):
        await h.bus.publish(incoming)
        await h.bus.publish(incoming)  # the same event again
    first, again = h.enriched
    assert first.event_id == again.event_id != incoming.event_id
    assert clearbit.requests == 1
    assert [c.status for c in again.payload.provider_calls] == ["cached"]


def outcomes() -> dict[str, float]:
    return {
        outcome: REGISTRY.get_sample_value(
            "leadgen_enrichment_outcomes_total", {"outcome": outcome}
        )
        or 0.0
        for outcome in ("enriched", "not_found", "failed", "skipped")
    }


@pytest.mark.parametrize(
    ("status", "found", "options", "expected"),
    [
        (200, True, {}, "enriched"),
        (404, False, {}, "not_found"),
        (503, False, {}, "failed"),
        (429, False, {}, "failed"),
        (200, True, {"auto_enrich": False}, "skipped"),
    ],
)
async def test_each_prospect_leaving_counts_one_outcome(
    harness_for, make_discovered, company_body, status, found, options, expected
):
    h = harness_for(Clearbit(status, company_body() if found else {}))
    before = outcomes()
    waterfalls = REGISTRY.get_sample_value("leadgen_enrichment_duration_seconds_count") or 0.0
    async with TestKafkaBroker(h.bus.broker):
        await h.send(make_discovered(**options))
    assert len(h.enriched) == 1
    after = outcomes()
    assert {k: after[k] - before[k] for k in after} == {k: float(k == expected) for k in after}
    ran = REGISTRY.get_sample_value("leadgen_enrichment_duration_seconds_count")
    assert ran == waterfalls + (expected != "skipped")

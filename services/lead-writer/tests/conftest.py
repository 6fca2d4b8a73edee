"""Fixtures of the lead-writer tests: a real Postgres (one server per session, a fresh
migrated database per test, used through the lead-writer's own role), the service's
handlers on FastStream's in-memory Kafka broker, and builders of pipeline events."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from leadgen_common.contracts import (
    Envelope,
    all_topic_names,
    decode,
    envelope_for,
    prospect_id_for,
)
from leadgen_common.contracts.events import (
    CampaignOptions,
    CampaignStarted,
    CompanyData,
    ControlCampaign,
    DimensionScore,
    DiscoveryFinished,
    Enrichment,
    PlatformDiscovery,
    ProspectDiscovered,
    ProspectEnriched,
    ProspectProfile,
    ProspectReviewed,
    ProspectScored,
    ProviderCall,
    ScoreBreakdown,
    UpdateProspect,
)
from leadgen_common.contracts.icp import Icp
from leadgen_common.crypto import FieldCipher
from leadgen_common.db.engine import make_engine
from leadgen_common.kafka import EventBus
from leadgen_common.settings import ServiceSettings
from leadgen_common.testing.fixtures import MigratedUrls
from leadgen_common.testing.pii import TEST_CIPHER, revealed_values
from leadgen_lead_writer import handlers
from leadgen_lead_writer.adapters.publisher import kafka_publisher
from leadgen_lead_writer.projector import Projector
from leadgen_lead_writer.relay import OutboxRelay
from sqlalchemy.ext.asyncio import AsyncEngine

SERVICE = "lead-writer"


@pytest.fixture
def new_database(migrated_urls: MigratedUrls):
    """``await new_database()`` -> URL of a fresh migrated database, as the lead-writer role."""

    async def create() -> str:
        return (await migrated_urls(SERVICE))[SERVICE]

    return create


@pytest.fixture
async def engine(new_database) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(await new_database())
    try:
        yield engine
    finally:
        await engine.dispose()


# ---------------------------------------------------------------- the service on a test broker
@dataclass
class Service:
    """lead-writer's handlers and relay on FastStream's in-memory broker, with what they
    published: lead.created messages and dead letters."""

    engine: AsyncEngine
    bus: EventBus
    relay: OutboxRelay
    lead_events: list[Envelope[Any]] = field(default_factory=list)
    lead_messages: list[tuple[bytes, bytes | None]] = field(default_factory=list)
    dead_letters: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lead_arrived: asyncio.Event = field(default_factory=asyncio.Event)
    cipher: FieldCipher = TEST_CIPHER

    async def send(self, *envelopes: Envelope[Any]) -> None:
        for envelope in envelopes:
            await self.bus.publish(envelope)

    async def wait_for_leads(self, count: int, timeout_s: float = 5.0) -> None:
        """Until ``count`` lead.created messages arrived (from a relay in the background)."""
        async with asyncio.timeout(timeout_s):
            while len(self.lead_events) < count:
                self.lead_arrived.clear()
                await self.lead_arrived.wait()


def _settings() -> ServiceSettings:
    return ServiceSettings(service_name="lead-writer", handler_retries=0)


def _dlq_reader(service: Service, topic: str):
    async def read_dlq(message: KafkaMessage) -> None:
        service.dead_letters.append((topic, dict(message.headers)))

    return read_dlq


def build_service(engine: AsyncEngine, **relay_options: Any) -> Service:
    bus = EventBus(_settings())
    relay = OutboxRelay(engine, kafka_publisher(bus), **relay_options)
    handlers.register(bus, Projector(engine, cipher=TEST_CIPHER, on_outbox=relay.wake))
    service = Service(engine, bus, relay)

    @bus.broker.subscriber("lead.created", group_id="test-lead-reader")
    async def read_lead(message: KafkaMessage) -> None:
        service.lead_messages.append((message.body, message.raw_message.key))
        service.lead_events.append(decode("lead.created", message.body))
        service.lead_arrived.set()

    for topic in all_topic_names(with_dlq=False):
        if topic != "lead.created":
            bus.broker.subscriber(f"{topic}.dlq", group_id="test-dlq-reader")(
                _dlq_reader(service, topic)
            )

    return service


@pytest.fixture
def open_service(new_database):
    """``async with open_service(**relay_options) as service``: the service on a database
    of its own (tests comparing runs open several)."""

    @asynccontextmanager
    async def open_(**relay_options: Any) -> AsyncIterator[Service]:
        engine = make_engine(await new_database())
        try:
            service = build_service(engine, **relay_options)
            async with TestKafkaBroker(service.bus.broker):
                yield service
        finally:
            await engine.dispose()

    return open_


@pytest.fixture
async def service(open_service) -> AsyncIterator[Service]:
    async with open_service() as service:
        yield service


# ---------------------------------------------------------------- event builders
def breakdown(score: float) -> ScoreBreakdown:
    dimension = DimensionScore(score=score, reasons=[f"matches at {score:.2f}"])
    return ScoreBreakdown(
        demographics=dimension,
        firmographics=dimension,
        psychographics=dimension,
        activity=dimension,
    )


_OUTCOME_SCORES = {"qualified": 0.82, "review": 0.66, "rejected": 0.31}


@dataclass
class Campaign:
    """Builds the events of one campaign of one team, as the other services would."""

    team_id: uuid.UUID = field(default_factory=uuid.uuid4)
    campaign_id: uuid.UUID = field(default_factory=uuid.uuid4)
    options: CampaignOptions = field(default_factory=CampaignOptions)
    correlation_id: str = "corr-1"

    def _envelope(self, payload: Any) -> Envelope[Any]:
        return envelope_for(payload, team_id=self.team_id, correlation_id=self.correlation_id)

    def prospect_id(self, person: str, platform: str = "linkedin") -> uuid.UUID:
        return prospect_id_for(self.team_id, platform, person)

    def profile(self, person: str, platform: str = "linkedin") -> ProspectProfile:
        return ProspectProfile(
            platform=platform,
            platform_profile_id=person,
            profile_url=f"https://{platform}.example/in/{person}",
            name=f"Person {person}",
            title="VP Engineering",
            company_name="Acme",
            company_domain="acme.example",
            location="Berlin",
            industry="Software",
            skills=["kubernetes"],
            activity={"posts_last_30d": 3},
        )

    def started(self) -> Envelope[Any]:
        return self._envelope(
            CampaignStarted(
                campaign_id=self.campaign_id,
                name="c",
                icp_id=uuid.uuid4(),
                icp=Icp(name="icp"),
                platforms=["linkedin"],
                options=self.options,
                requested_by="alice",
            )
        )

    def control(self, action: str) -> Envelope[Any]:
        return self._envelope(
            ControlCampaign(campaign_id=self.campaign_id, action=action, requested_by="alice")
        )

    def discovered(self, person: str, rank: int = 0, platform: str = "linkedin"):
        return self._envelope(
            ProspectDiscovered(
                prospect_id=self.prospect_id(person, platform),
                campaign_id=self.campaign_id,
                rank=rank,
                profile=self.profile(person, platform),
                options=self.options,
            )
        )

    def enrichment(self, person: str) -> Enrichment:
        return Enrichment(
            company=CompanyData(name="Acme", domain="acme.example", employees=120),
            email=f"{person}@acme.example",
            email_status="valid",
            provenance={"company": "clearbit"},
        )

    def enriched(
        self,
        person: str,
        *,
        skipped: str | None = None,
        calls: list[ProviderCall] | None = None,
        platform: str = "linkedin",
    ) -> Envelope[Any]:
        return self._envelope(
            ProspectEnriched(
                prospect_id=self.prospect_id(person, platform),
                campaign_id=self.campaign_id,
                profile=self.profile(person, platform),
                options=self.options,
                enrichment=Enrichment() if skipped else self.enrichment(person),
                enrichment_skipped=skipped,
                provider_calls=calls or [],
            )
        )

    def scored(self, person: str, outcome: str, platform: str = "linkedin") -> Envelope[Any]:
        score = _OUTCOME_SCORES[outcome]
        return self._envelope(
            ProspectScored(
                prospect_id=self.prospect_id(person, platform),
                campaign_id=self.campaign_id,
                icp_match_score=score,
                quality_score=0.7,
                breakdown=breakdown(score),
                outcome=outcome,
                profile=self.profile(person, platform),
                options=self.options,
                enrichment=self.enrichment(person),
            )
        )

    def reviewed(self, person: str, decision: str) -> Envelope[Any]:
        return self._envelope(
            ProspectReviewed(
                prospect_id=self.prospect_id(person),
                campaign_id=self.campaign_id,
                decision=decision,
                reviewed_by="bob",
            )
        )

    def updated(
        self,
        person: str,
        fields: dict[str, Any] | None = None,
        **command: Any,
    ) -> Envelope[Any]:
        """A user's edit (prospect.update) of ``person``: fields, assignee, unassign, …"""
        return self._envelope(
            UpdateProspect(
                prospect_id=self.prospect_id(person),
                fields=fields or {},
                requested_by="carol",
                **command,
            )
        )

    def finished(
        self, total: int, reason: str = "exhausted", failure: str | None = None
    ) -> Envelope[Any]:
        return self._envelope(
            DiscoveryFinished(
                campaign_id=self.campaign_id,
                total_discovered=total,
                platforms={
                    "linkedin": PlatformDiscovery(
                        discovered=total,
                        criteria={"titles": ["VP Engineering"]},
                        warnings=["age range is not searchable"],
                        failure_reason=failure,
                    )
                },
                reason=reason,
            )
        )

    def in_campaign(self, **options: Any) -> Campaign:
        """Another campaign of the same team (so the same persons are the same prospects)."""
        return Campaign(
            team_id=self.team_id,
            options=CampaignOptions(**options),
            correlation_id=self.correlation_id,
        )


def call(provider: str = "clearbit", cost: str = "0.10") -> ProviderCall:
    return ProviderCall(
        provider=provider, operation="company", status="success", cost=Decimal(cost), latency_ms=12
    )


def pipeline(campaign: Campaign, outcomes: dict[str, str]) -> list[Envelope[Any]]:
    """Every event of a campaign whose persons end with ``outcomes``, in pipeline order."""
    events = [campaign.started()]
    for rank, person in enumerate(outcomes):
        events.append(campaign.discovered(person, rank))
    for person in outcomes:
        events.append(campaign.enriched(person, calls=[call()]))
    for person, outcome in outcomes.items():
        events.append(campaign.scored(person, outcome))
    events.append(campaign.finished(len(outcomes)))
    return events


@pytest.fixture
def campaign() -> Campaign:
    return Campaign()


@pytest.fixture
def new_campaign():
    """``new_campaign(auto_convert=False, ...)`` -> a Campaign of a new team with options."""
    return lambda **options: Campaign(options=CampaignOptions(**options))


@pytest.fixture
def events():
    """The event-sequence helpers: ``events.pipeline(campaign, outcomes)``, ``events.call()``."""

    class Events:
        pipeline = staticmethod(pipeline)
        call = staticmethod(call)

    return Events


# ---------------------------------------------------------------- reading what lead-writer wrote
_VOLATILE = {"updated_at", "created_at", "processed_at", "published_at", "id"}


def _plain(row: Any, drop: set[str]) -> dict[str, Any]:
    values = dict(row._mapping)
    for name in list(values):
        if name.startswith("counted_") or name == "completed_at":
            values[name] = values[name] is not None  # when differs by run, whether does not
        elif name in drop:
            del values[name]
    return values


async def read_state(engine: AsyncEngine, team_id: uuid.UUID) -> dict[str, Any]:
    """Everything lead-writer stored for a team, without what legitimately differs between
    two runs of the same events (wall-clock times, serial ids, new lead event ids)."""
    from leadgen_common.db import schema as s
    from sqlalchemy import select

    async def rows(
        table: Any, *order: Any, drop: set[str] = _VOLATILE, reveal: bool = False
    ) -> list[dict[str, Any]]:
        stmt = select(table).where(table.c.team_id == team_id).order_by(*order)
        result = (await conn.execute(stmt)).all()
        if reveal:
            clear = [SimpleNamespace(_mapping=revealed_values(r._mapping)) for r in result]
            return [_plain(r, drop) for r in clear]
        return [_plain(r, drop) for r in result]

    async with engine.connect() as conn:
        outbox = (
            await conn.execute(
                select(s.outbox.c.topic, s.outbox.c.key, s.outbox.c.payload).order_by(
                    s.outbox.c.key
                )
            )
        ).all()
        return {
            "progress": await rows(s.campaign_progress, s.campaign_progress.c.campaign_id),
            "campaign_prospects": await rows(
                s.campaign_prospects,
                s.campaign_prospects.c.campaign_id,
                s.campaign_prospects.c.prospect_id,
            ),
            # contact details decrypted: two runs seal the same values under other nonces
            "prospects": await rows(s.prospects, s.prospects.c.id, reveal=True),
            "leads": await rows(s.leads, s.leads.c.id, reveal=True),
            "ledger": await rows(
                s.enrichment_log,
                s.enrichment_log.c.source_event_id,
                s.enrichment_log.c.call_index,
            ),
            "outbox": [
                (
                    o.topic,
                    o.key,
                    {k: v for k, v in o.payload["payload"].items() if k != "created_at"},
                )
                for o in outbox
                if o.payload["team_id"] == str(team_id)
            ],
        }


@pytest.fixture
def state():
    return read_state

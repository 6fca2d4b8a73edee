"""The scoring subscribers through FastStream's in-memory Kafka broker, with a fake
campaign-ICP repository at the database edge."""

from __future__ import annotations

import uuid

import pytest
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from leadgen_common.contracts import (
    CampaignOptions,
    Envelope,
    Icp,
    decode,
    envelope_for,
    prospect_id_for,
    team_id_for,
)
from leadgen_common.contracts.events import CampaignStarted, ProspectEnriched, ScoreOutcome
from leadgen_common.kafka import EventBus
from leadgen_scoring import handlers
from leadgen_scoring.domain import Scorer
from leadgen_scoring.main import ScoringSettings

TEAM = team_id_for("scoring-tests")
OTHER_TEAM = team_id_for("someone-else")


class FakeCampaignIcps:
    """CampaignIcpRepository at the database edge: a dict, and a log of what was asked."""

    def __init__(self) -> None:
        self.icps: dict[tuple[uuid.UUID, uuid.UUID], Icp] = {}
        self.asked: list[uuid.UUID] = []

    async def save(self, campaign_id: uuid.UUID, team_id: uuid.UUID, icp: Icp) -> None:
        self.icps.setdefault((campaign_id, team_id), icp)

    async def get(self, campaign_id: uuid.UUID, team_id: uuid.UUID) -> Icp | None:
        self.asked.append(campaign_id)
        return self.icps.get((campaign_id, team_id))


class Harness:
    def __init__(self, repository: FakeCampaignIcps) -> None:
        settings = ScoringSettings(handler_retries=2, handler_retry_backoff_s=0.01)
        self.bus = EventBus(settings)
        self.repository = repository
        handlers.register(self.bus, Scorer(settings.weights(), settings.thresholds()), repository)
        self.scored: list[Envelope] = []
        self.dead: list[tuple[bytes, dict]] = []

        @self.bus.broker.subscriber("prospect.scored", group_id="test-reader")
        async def read_scored(message: KafkaMessage) -> None:
            self.scored.append(decode("prospect.scored", message.body))

        @self.bus.broker.subscriber("prospect.enriched.dlq", group_id="test-dlq")
        async def read_dlq(message: KafkaMessage) -> None:
            self.dead.append((message.body, message.headers))

    async def send(self, payload, team_id: uuid.UUID = TEAM) -> Envelope:
        envelope = envelope_for(payload, team_id=team_id, correlation_id="corr-7")
        await self.bus.publish(envelope)
        return envelope


@pytest.fixture
def harness() -> Harness:
    return Harness(FakeCampaignIcps())


def started(campaign_id: uuid.UUID, icp: Icp) -> CampaignStarted:
    return CampaignStarted(
        campaign_id=campaign_id,
        name="Q3 outbound",
        icp_id=uuid.uuid4(),
        icp=icp,
        platforms=["linkedin"],
        requested_by="alice",
    )


def enriched(campaign_id: uuid.UUID, prospect, options=None) -> ProspectEnriched:
    profile, enrichment = prospect
    return ProspectEnriched(
        prospect_id=prospect_id_for(TEAM, "linkedin", profile.platform_profile_id),
        campaign_id=campaign_id,
        profile=profile,
        options=options or CampaignOptions(auto_convert=False),
        enrichment=enrichment,
    )


@pytest.mark.parametrize(
    ("name", "outcome"),
    [
        ("perfect", ScoreOutcome.QUALIFIED),
        ("partial", ScoreOutcome.REVIEW),
        ("unrelated", ScoreOutcome.REJECTED),
    ],
)
async def test_enriched_prospect_is_scored_and_published(
    harness, sample_icp, prospects, name, outcome
):
    campaign_id = uuid.uuid4()
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(started(campaign_id, sample_icp))
        incoming = await harness.send(enriched(campaign_id, prospects[name]))
    [envelope] = harness.scored
    scored = envelope.payload
    assert scored.outcome is outcome
    assert scored.breakdown.demographics.reasons
    # Carried forward for lead-writer, and linked to what caused it.
    source = incoming.payload
    assert (scored.prospect_id, scored.campaign_id) == (source.prospect_id, campaign_id)
    assert (scored.profile, scored.enrichment, scored.options) == (
        source.profile,
        source.enrichment,
        source.options,
    )
    assert envelope.causation_id == incoming.event_id
    assert (envelope.correlation_id, envelope.team_id) == ("corr-7", TEAM)
    assert envelope.campaign_id == campaign_id
    assert harness.dead == []


async def test_min_match_score_travels_with_the_prospect(harness, sample_icp, prospects):
    campaign_id = uuid.uuid4()
    picky = CampaignOptions(min_match_score=1.0)
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(started(campaign_id, sample_icp))
        await harness.send(enriched(campaign_id, prospects["perfect"], picky))
    [envelope] = harness.scored
    assert envelope.payload.outcome is ScoreOutcome.REVIEW
    assert envelope.payload.options == picky


async def test_a_redelivered_prospect_is_scored_again_under_the_same_event_id(
    harness, sample_icp, prospects
):
    campaign_id = uuid.uuid4()
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(started(campaign_id, sample_icp))
        incoming = await harness.send(enriched(campaign_id, prospects["partial"]))
        await harness.bus.publish(incoming)  # the same envelope again: a redelivery
    first, second = harness.scored
    assert first.event_id == second.event_id != incoming.event_id
    assert first.payload == second.payload


async def test_the_icp_belongs_to_the_campaign_and_its_team(harness, sample_icp, prospects):
    campaign_id = uuid.uuid4()
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(started(campaign_id, sample_icp), team_id=OTHER_TEAM)
        await harness.send(enriched(campaign_id, prospects["perfect"]))
    assert harness.scored == []
    [(_, headers)] = harness.dead
    assert headers["x-dlq-reason"] == "retries_exhausted"
    assert f"no ICP known for campaign {campaign_id}" in headers["x-dlq-error"]
    assert harness.repository.asked == [campaign_id] * 3  # first try and two retries


async def test_a_missing_icp_is_retried_until_it_appears(harness, sample_icp, prospects):
    campaign_id = uuid.uuid4()

    class LateRepository(FakeCampaignIcps):
        async def get(self, campaign_id, team_id):
            found = await super().get(campaign_id, team_id)
            if found is None:  # campaign.started is processed while the prospect waits
                self.icps[(campaign_id, team_id)] = sample_icp
            return found

    late = Harness(LateRepository())
    async with TestKafkaBroker(late.bus.broker):
        await late.send(enriched(campaign_id, prospects["perfect"]))
    [envelope] = late.scored
    assert envelope.payload.outcome is ScoreOutcome.QUALIFIED
    assert late.repository.asked == [campaign_id, campaign_id]
    assert late.dead == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "not_json"),
        (b'{"event_type": "prospect.enriched", "schema_version": 1}', "contract_violation"),
    ],
)
async def test_a_malformed_message_goes_to_the_dlq(harness, body, reason):
    async with TestKafkaBroker(harness.bus.broker):
        await harness.bus.broker.publish(body, topic="prospect.enriched", key=b"k")
    assert harness.scored == []
    [(dead_body, headers)] = harness.dead
    assert dead_body == body
    assert headers["x-dlq-reason"] == reason
    assert headers["x-dlq-service"] == "scoring"


async def test_campaign_started_keeps_the_snapshot_for_its_team(harness, sample_icp):
    campaign_id = uuid.uuid4()
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(started(campaign_id, sample_icp))
    assert harness.repository.icps == {(campaign_id, TEAM): sample_icp}

"""The scoring subscribers through FastStream's in-memory Kafka broker: the real bundled
embedder (behind a spy that records its calls), and fakes at the database edge — the
campaign-ICP repository and an in-memory vector store."""

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
    encode,
    envelope_for,
    prospect_id_for,
    team_id_for,
    utcnow,
)
from leadgen_common.contracts.events import (
    CampaignStarted,
    EraseProspect,
    ProspectEnriched,
    ProspectErased,
    ScoreOutcome,
)
from leadgen_common.kafka import EventBus
from leadgen_scoring import handlers
from leadgen_scoring.domain import Scorer
from leadgen_scoring.domain.texts import icp_text, profile_text
from leadgen_scoring.main import ScoringSettings
from leadgen_scoring.semantics import SemanticScoring
from prometheus_client import REGISTRY

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


class SpyEmbedder:
    """The real embedder, and a log of the texts of each call."""

    def __init__(self, inner) -> None:
        self.inner, self.model, self.dimension = inner, inner.model, inner.dimension
        self.calls: list[list[str]] = []

    async def embed(self, texts):
        self.calls.append(list(texts))
        return await self.inner.embed(texts)


class MemoryVectorStore:
    """VectorStore at the database edge: dicts, and a log of the upsert calls."""

    def __init__(self) -> None:
        self.icps: dict[uuid.UUID, tuple] = {}
        self.prospects: dict[tuple[uuid.UUID, uuid.UUID], list[float]] = {}
        self.upserts: list[int] = []

    async def upsert_icp(self, icp) -> None:
        self.icps[icp.campaign_id] = (icp.team_id, icp.icp_id, icp.model, icp.vector)

    async def upsert_prospects(self, prospects) -> None:
        self.upserts.append(len(prospects))
        for p in prospects:
            self.prospects[(p.team_id, p.prospect_id)] = p.vector

    async def delete_prospect(self, team_id, prospect_id) -> None:
        self.prospects.pop((team_id, prospect_id), None)


class Harness:
    def __init__(self, repository: FakeCampaignIcps, embedder) -> None:
        settings = ScoringSettings(handler_retries=2, handler_retry_backoff_s=0.01)
        self.bus = EventBus(settings)
        self.repository = repository
        self.embedder = SpyEmbedder(embedder)
        self.vectors = MemoryVectorStore()
        handlers.register(
            self.bus,
            Scorer(settings.weights(), settings.thresholds()),
            repository,
            SemanticScoring(self.embedder, self.vectors),
        )
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
def harness(onnx_embedder) -> Harness:
    return Harness(FakeCampaignIcps(), onnx_embedder)


def started(campaign_id: uuid.UUID, icp: Icp) -> CampaignStarted:
    return CampaignStarted(
        campaign_id=campaign_id,
        name="Q3 outbound",
        icp_id=uuid.uuid4(),
        icp=icp,
        platforms=["linkedin"],
        requested_by="alice",
    )


def enriched(campaign_id: uuid.UUID, prospect, options=None, profile_id=None) -> ProspectEnriched:
    profile, enrichment = prospect
    if profile_id is not None:
        profile = profile.model_copy(update={"platform_profile_id": profile_id})
    return ProspectEnriched(
        prospect_id=prospect_id_for(TEAM, "linkedin", profile.platform_profile_id),
        campaign_id=campaign_id,
        profile=profile,
        options=options or CampaignOptions(auto_convert=False),
        enrichment=enrichment,
    )


def decided() -> dict[str, float]:
    """leadgen_prospects_scored_total by decision."""
    return {
        d.value: REGISTRY.get_sample_value("leadgen_prospects_scored_total", {"decision": d}) or 0.0
        for d in ScoreOutcome
    }


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
    decisions, scores = decided(), REGISTRY.get_sample_value("leadgen_icp_match_score_sum")
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(started(campaign_id, sample_icp))
        incoming = await harness.send(enriched(campaign_id, prospects[name]))
    [envelope] = harness.scored
    scored = envelope.payload
    assert scored.outcome is outcome
    now = decided()
    assert {d: now[d] - decisions[d] for d in now} == {d: float(d == outcome) for d in now}
    added = REGISTRY.get_sample_value("leadgen_icp_match_score_sum") - (scores or 0.0)
    assert added == pytest.approx(scored.icp_match_score)
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
    # The batch, then the message alone: its first try and two retries.
    assert harness.repository.asked == [campaign_id] * 4


async def test_a_missing_icp_is_retried_until_it_appears(harness, sample_icp, prospects):
    campaign_id = uuid.uuid4()

    class LateRepository(FakeCampaignIcps):
        async def get(self, campaign_id, team_id):
            found = await super().get(campaign_id, team_id)
            if found is None:  # campaign.started is processed while the prospect waits
                self.icps[(campaign_id, team_id)] = sample_icp
            return found

    late = Harness(LateRepository(), harness.embedder.inner)
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


async def test_campaign_started_keeps_the_snapshot_and_the_icp_vector(harness, sample_icp):
    campaign_id = uuid.uuid4()
    async with TestKafkaBroker(harness.bus.broker):
        incoming = await harness.send(started(campaign_id, sample_icp))
    assert harness.repository.icps == {(campaign_id, TEAM): sample_icp}
    team_id, icp_id, model, vector = harness.vectors.icps[campaign_id]
    assert (team_id, icp_id, model) == (TEAM, incoming.payload.icp_id, harness.embedder.model)
    assert len(vector) == 384
    assert harness.embedder.calls == [[icp_text(sample_icp)]]


def envelope_of(payload, team_id: uuid.UUID = TEAM) -> bytes:
    return encode(envelope_for(payload, team_id=team_id, correlation_id="corr-7"))


async def test_a_batch_is_embedded_in_one_call_and_stored_in_one_upsert(
    harness, sample_icp, prospects
):
    campaign_id = uuid.uuid4()
    kinds = ["perfect", "partial", "unrelated"] * 4
    batch = [
        enriched(campaign_id, prospects[kind], profile_id=f"li-{i}") for i, kind in enumerate(kinds)
    ]
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(started(campaign_id, sample_icp))
        harness.embedder.calls.clear()
        await harness.bus.broker.publish_batch(
            *(envelope_of(e) for e in batch), topic="prospect.enriched"
        )
    profile_call = [call for call in harness.embedder.calls if len(call) == len(batch)]
    assert profile_call == [[profile_text(e.profile) for e in batch]]  # one call for all
    assert harness.vectors.upserts == [len(batch)]
    assert set(harness.vectors.prospects) == {(TEAM, e.prospect_id) for e in batch}
    outcomes = {e.payload.prospect_id: e.payload.outcome for e in harness.scored}
    expected = {
        "perfect": ScoreOutcome.QUALIFIED,
        "partial": ScoreOutcome.REVIEW,
        "unrelated": ScoreOutcome.REJECTED,
    }
    assert outcomes == {e.prospect_id: expected[k] for e, k in zip(batch, kinds, strict=True)}
    assert harness.dead == []


async def test_reasons_name_the_semantic_match(harness, sample_icp, prospects):
    campaign_id = uuid.uuid4()
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(started(campaign_id, sample_icp))
        await harness.send(enriched(campaign_id, prospects["perfect"]))
    [envelope] = harness.scored
    breakdown = envelope.payload.breakdown
    assert any(
        r.startswith("profile text is semantically close to the ICP (cos 0.")
        for r in breakdown.demographics.reasons
    )
    psychographics, activity = breakdown.psychographics.reasons, breakdown.activity.reasons
    assert any("the ICP's pain points and goals (cos" in r for r in psychographics)
    assert any("buying triggers and channels (cos" in r for r in activity)


async def test_a_profile_without_text_is_scored_on_the_rules_alone(
    harness, sample_icp, make_profile, make_enrichment
):
    campaign_id = uuid.uuid4()
    empty = (make_profile(platform_profile_id="li-empty"), make_enrichment())
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(started(campaign_id, sample_icp))
        await harness.send(enriched(campaign_id, empty))
    [envelope] = harness.scored
    reasons = [r for d in envelope.payload.breakdown.model_dump().values() for r in d["reasons"]]
    assert not any("semantically" in r for r in reasons)
    assert envelope.payload.outcome is ScoreOutcome.REJECTED
    assert harness.vectors.prospects == {}


async def test_an_unknown_campaign_in_a_batch_does_not_hold_the_others_back(
    harness, sample_icp, prospects
):
    known, unknown = uuid.uuid4(), uuid.uuid4()
    good = [enriched(known, prospects["perfect"], profile_id=f"li-{i}") for i in range(3)]
    orphan = enriched(unknown, prospects["perfect"], profile_id="li-orphan")
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(started(known, sample_icp))
        await harness.bus.broker.publish_batch(
            *(envelope_of(e) for e in [good[0], orphan, *good[1:]]), topic="prospect.enriched"
        )
    assert {e.payload.prospect_id for e in harness.scored} == {e.prospect_id for e in good}
    [(body, headers)] = harness.dead
    assert headers["x-dlq-reason"] == "retries_exhausted"
    assert decode("prospect.enriched", body).payload.prospect_id == orphan.prospect_id


@pytest.mark.parametrize("topic", ["prospect.erase", "prospect.erased"])
async def test_erasing_a_prospect_forgets_its_vector(harness, sample_icp, prospects, topic):
    """The command, or lead-writer's confirmation (it also erases people their team's
    suppression list names, which no command names)."""
    campaign_id = uuid.uuid4()
    prospect = enriched(campaign_id, prospects["partial"])
    erasure = {
        "prospect.erase": EraseProspect(prospect_id=prospect.prospect_id, requested_by="dpo"),
        "prospect.erased": ProspectErased(prospect_id=prospect.prospect_id, erased_at=utcnow()),
    }[topic]
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(started(campaign_id, sample_icp))
        await harness.send(prospect)
        assert (TEAM, prospect.prospect_id) in harness.vectors.prospects
        await harness.send(erasure)
    assert harness.vectors.prospects == {}

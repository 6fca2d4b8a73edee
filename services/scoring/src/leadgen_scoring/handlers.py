"""Subscribers of the scoring service: translate messages into domain calls.

campaign.started -> keep the campaign's ICP snapshot and store its ICP vector.
prospect.enriched, in batches -> embed the profile texts together, store their vectors,
score each against its campaign's ICP (explicit rules + semantic similarity) -> publish
prospect.scored.
prospect.erase, and lead-writer's prospect.erased -> forget the person's vectors.

Idempotency: scoring is a pure function of the incoming event and the campaign's ICP
snapshot, so a redelivered prospect.enriched publishes an equal ProspectScored again —
under the same event id, derived from the incoming one, so a consumer deduping on event
ids sees one event. That is acceptable either way: lead-writer counts each (campaign,
prospect, stage) once and never moves a status backwards, so the repeat changes nothing.
A prospect.enriched whose campaign ICP is not known yet raises an ordinary exception:
the event bus then handles that batch one message at a time, retrying the unknown
campaign's with backoff while the campaign.started catches up.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass

from faststream import AckPolicy
from leadgen_common.contracts import Envelope, Icp, reaction_to
from leadgen_common.contracts.events import (
    CampaignStarted,
    EraseProspect,
    ProspectEnriched,
    ProspectErased,
    ProspectScored,
)
from leadgen_common.kafka import EventBus

from .domain import Scorer, ScoreResult
from .metrics import BATCH_SIZE, observe_score
from .ports import CampaignIcpRepository
from .semantics import SemanticScoring, ToCompare

logger = logging.getLogger(__name__)

GROUP = "scoring"


class IcpNotFound(LookupError):
    """The campaign's ICP is neither stored nor readable from the gateway's tables (yet)."""

    def __init__(self, campaign_id: uuid.UUID) -> None:
        super().__init__(f"no ICP known for campaign {campaign_id}")


def scored(enriched: ProspectEnriched, result: ScoreResult) -> ProspectScored:
    return ProspectScored(
        prospect_id=enriched.prospect_id,
        campaign_id=enriched.campaign_id,
        icp_match_score=result.icp_match_score,
        quality_score=result.quality_score,
        breakdown=result.breakdown,
        outcome=result.outcome,
        profile=enriched.profile,
        options=enriched.options,
        enrichment=enriched.enrichment,
    )


def scored_envelope(incoming: Envelope[ProspectEnriched], result: ScoreResult) -> Envelope:
    """prospect.scored caused by ``incoming``; its event id is derived from the incoming
    one, so scoring a redelivered message again yields the same event id."""
    return reaction_to(incoming, scored(incoming.payload, result))


@dataclass(frozen=True, slots=True)
class Batching:
    """prospect.enriched records per handler call, and how long to wait for the first."""

    max_records: int = 64
    wait_ms: int = 200


async def _campaign_icps(
    envelopes: list[Envelope[ProspectEnriched]], campaign_icps: CampaignIcpRepository
) -> dict[uuid.UUID, Icp]:
    icps: dict[uuid.UUID, Icp] = {}
    for envelope in envelopes:
        campaign_id = envelope.payload.campaign_id
        if campaign_id not in icps:
            icp = await campaign_icps.get(campaign_id, envelope.team_id)
            if icp is None:
                raise IcpNotFound(campaign_id)
            icps[campaign_id] = icp
    return icps


def register(
    bus: EventBus,
    scorer: Scorer,
    campaign_icps: CampaignIcpRepository,
    semantics: SemanticScoring,
    batching: Batching = Batching(),
) -> None:
    @bus.subscribe("campaign.started", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_campaign_started(envelope: Envelope[CampaignStarted]) -> None:
        """Keep the ICP snapshot the campaign started with, to score its prospects, and
        store its vector (semantic search: GET /icps/{id}/similar)."""
        started = envelope.payload
        await campaign_icps.save(started.campaign_id, envelope.team_id, started.icp)
        await semantics.store_icp(
            envelope.team_id, started.campaign_id, started.icp_id, started.icp
        )

    @bus.subscribe_batch(
        "prospect.enriched",
        group_id=GROUP,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        max_records=batching.max_records,
        wait_ms=batching.wait_ms,
    )
    async def on_prospects_enriched(envelopes: list[Envelope[ProspectEnriched]]) -> None:
        """Score a batch of prospects against their campaigns' ICPs (one embedder call
        for all their profile texts) and publish a prospect.scored for each."""
        BATCH_SIZE.observe(len(envelopes))
        icps = await _campaign_icps(envelopes, campaign_icps)
        similarities = await semantics.compare(
            [
                ToCompare(
                    envelope.team_id,
                    envelope.payload.campaign_id,
                    envelope.payload.prospect_id,
                    envelope.payload.profile,
                    icps[envelope.payload.campaign_id],
                )
                for envelope in envelopes
            ]
        )
        scored_envelopes, results = [], []
        for envelope, similarity in zip(envelopes, similarities, strict=True):
            enriched = envelope.payload
            result = scorer.score(
                icps[enriched.campaign_id],
                enriched.profile,
                enriched.enrichment,
                enriched.options,
                similarity,
            )
            logger.debug("scored %s: %s", result.icp_match_score, result.outcome.value)
            scored_envelopes.append(scored_envelope(envelope, result))
            results.append(result)
        await asyncio.gather(*(bus.publish(scored) for scored in scored_envelopes))
        for result in results:  # counted once published: a failed batch is scored again
            observe_score(result.icp_match_score, result.outcome)

    @bus.subscribe("prospect.erase", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_erase(envelope: Envelope[EraseProspect]) -> None:
        """Forget the person's vectors (every embedding model's)."""
        await semantics.forget(envelope.team_id, envelope.payload.prospect_id)

    @bus.subscribe("prospect.erased", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_erased(envelope: Envelope[ProspectErased]) -> None:
        """lead-writer erased the person (on request, or because their team's suppression
        list names them and no request reached scoring): forget the vectors too."""
        await semantics.forget(envelope.team_id, envelope.payload.prospect_id)

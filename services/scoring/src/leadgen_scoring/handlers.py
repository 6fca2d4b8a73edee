"""Subscribers of the scoring service: translate messages into domain calls.

campaign.started -> keep the campaign's ICP snapshot.
prospect.enriched -> score against that ICP -> publish prospect.scored.

Idempotency: scoring is a pure function of the incoming event and the campaign's ICP
snapshot, so a redelivered prospect.enriched publishes an equal ProspectScored again —
under the same event id, derived from the incoming one, so a consumer deduping on event
ids sees one event. That is acceptable either way: lead-writer counts each (campaign,
prospect, stage) once and never moves a status backwards, so the repeat changes nothing.
A prospect.enriched whose campaign ICP is not known yet raises an ordinary exception:
the event bus retries it with backoff while the campaign.started catches up.
"""

from __future__ import annotations

import logging
import uuid

from faststream import AckPolicy
from leadgen_common.contracts import NAMESPACE, Envelope, envelope_for
from leadgen_common.contracts.events import CampaignStarted, ProspectEnriched, ProspectScored
from leadgen_common.kafka import EventBus

from .domain import Scorer, ScoreResult
from .ports import CampaignIcpRepository

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
    envelope = envelope_for(
        scored(incoming.payload, result),
        team_id=incoming.team_id,
        correlation_id=incoming.correlation_id,
        causation=incoming,
    )
    event_id = uuid.uuid5(NAMESPACE, f"prospect.scored:{incoming.event_id}")
    return envelope.model_copy(update={"event_id": event_id})


def register(bus: EventBus, scorer: Scorer, campaign_icps: CampaignIcpRepository) -> None:
    @bus.subscribe("campaign.started", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_campaign_started(envelope: Envelope[CampaignStarted]) -> None:
        """Keep the ICP snapshot the campaign started with, to score its prospects."""
        started = envelope.payload
        await campaign_icps.save(started.campaign_id, envelope.team_id, started.icp)

    @bus.subscribe("prospect.enriched", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_enriched(envelope: Envelope[ProspectEnriched]) -> None:
        """Score the prospect against its campaign's ICP and publish prospect.scored."""
        enriched = envelope.payload
        icp = await campaign_icps.get(enriched.campaign_id, envelope.team_id)
        if icp is None:
            raise IcpNotFound(enriched.campaign_id)
        result = scorer.score(icp, enriched.profile, enriched.enrichment, enriched.options)
        logger.debug("scored %s: %s", result.icp_match_score, result.outcome.value)
        await bus.publish(scored_envelope(envelope, result))

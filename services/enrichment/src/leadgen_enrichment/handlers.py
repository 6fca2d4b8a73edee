"""Subscribers of the enrichment service: translate messages into domain calls."""

from __future__ import annotations

from typing import Any

from faststream import AckPolicy
from leadgen_common.contracts import Envelope, envelope_for
from leadgen_common.contracts.events import ControlAction
from leadgen_common.kafka import EventBus

from .enrich import Enricher
from .on_demand import OnDemandEnrichment

GROUP = "enrichment"


def register(
    bus: EventBus, enricher: Enricher, on_demand: OnDemandEnrichment | None = None
) -> None:
    """The campaign flow's subscribers, and ``enrichment.requested`` when ``on_demand``
    (its job store and prospect reader) is given."""

    @bus.subscribe("prospect.discovered", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_discovered(envelope: Envelope[Any]) -> None:
        """Enrich a discovered prospect (or skip it with a reason); publish prospect.enriched."""
        enriched = await enricher.enrich(envelope.payload, envelope.team_id)
        await bus.publish(
            envelope_for(
                enriched,
                team_id=envelope.team_id,
                correlation_id=envelope.correlation_id,
                causation=envelope,
            )
        )

    @bus.subscribe("campaign.control", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_campaign_control(envelope: Envelope[Any]) -> None:
        """Remember a cancelled campaign so its prospects cost nothing more."""
        if envelope.payload.action is ControlAction.CANCEL:
            enricher.campaigns.remember_cancelled(envelope.payload.campaign_id)

    if on_demand is None:
        return

    @bus.subscribe("enrichment.requested", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_enrichment_requested(envelope: Envelope[Any]) -> None:
        """Enrich one prospect of an on-demand job; publish prospect.enriched, finish the item."""
        await on_demand.handle(envelope)

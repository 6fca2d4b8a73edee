"""Subscribers of the enrichment service: translate messages into domain calls."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from faststream import AckPolicy
from leadgen_common import kafka_tracing
from leadgen_common.contracts import Envelope, reaction_to
from leadgen_common.contracts.events import (
    ControlAction,
    EraseProspect,
    ProspectEnriched,
    ProspectErased,
)
from leadgen_common.kafka import EventBus

from .enrich import Enricher
from .on_demand import OnDemandEnrichment

logger = logging.getLogger(__name__)

GROUP = "enrichment"


def register(
    bus: EventBus,
    enricher: Enricher,
    on_demand: OnDemandEnrichment | None = None,
    *,
    batch_size: int = 32,
) -> None:
    """The campaign flow's subscribers, and ``enrichment.requested`` when ``on_demand``
    (its job store and prospect reader) is given.

    prospect.discovered is consumed in batches of up to ``batch_size`` enriched
    concurrently: provider calls are network waits, and one at a time a single slow or
    timing-out provider would hold up the whole partition. The batch is the bound on
    in-flight work (HTTP concurrency is bounded per provider as well). Each published
    prospect.enriched has an id derived from its prospect.discovered, so a batch handled
    again (a crash before the commit, a failed batch replayed one by one) republishes the
    same events, and the provider answers come from the cache at no cost."""

    async def enrich(envelope: Envelope[Any]) -> ProspectEnriched:
        # In the prospect's own trace: its provider calls are spans of that trace.
        with kafka_tracing.within(envelope):
            return await enricher.enrich(envelope.payload, envelope.team_id)

    @bus.subscribe_batch(
        "prospect.discovered",
        group_id=GROUP,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        max_records=batch_size,
    )
    async def on_prospects_discovered(envelopes: list[Envelope[Any]]) -> None:
        """Enrich discovered prospects (or skip each with a reason); publish prospect.enriched."""
        enriched = await asyncio.gather(*(enrich(envelope) for envelope in envelopes))
        pairs = zip(envelopes, enriched, strict=True)
        await asyncio.gather(*(bus.publish(reaction_to(e, done)) for e, done in pairs))

    async def forget(envelope: Envelope[Any]) -> None:
        forgotten = await enricher.cache.forget(str(envelope.team_id), envelope.payload.prospect_id)
        logger.info("erasure: %d cached answers deleted", forgotten)

    @bus.subscribe("prospect.erase", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_erase(envelope: Envelope[EraseProspect]) -> None:
        """Delete the provider answers cached about the person (their identity's and their
        emails' entries; the company's stay: they are not about the person). Idempotent;
        Redis unreachable raises, and the bus retries."""
        await forget(envelope)

    @bus.subscribe("prospect.erased", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_erased(envelope: Envelope[ProspectErased]) -> None:
        """lead-writer erased the person (on request, or because their team's suppression
        list names them and no request reached enrichment): the same."""
        await forget(envelope)

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

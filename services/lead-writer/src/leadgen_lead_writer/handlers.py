"""Subscribers of the lead-writer service: translate messages into domain calls."""

from __future__ import annotations

import logging
from typing import Any

from faststream import AckPolicy
from leadgen_common.contracts import Envelope
from leadgen_common.kafka import EventBus

logger = logging.getLogger(__name__)

GROUP = "lead-writer"


def register(bus: EventBus) -> None:
    @bus.subscribe("campaign.started", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_campaign_started(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

    @bus.subscribe("campaign.control", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_campaign_control(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

    @bus.subscribe(
        "campaign.discovery_finished", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR
    )
    async def on_campaign_discovery_finished(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

    @bus.subscribe("prospect.discovered", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_discovered(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

    @bus.subscribe("prospect.enriched", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_enriched(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

    @bus.subscribe("prospect.scored", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_scored(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

    @bus.subscribe("prospect.reviewed", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_reviewed(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

    @bus.subscribe("prospect.update", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_update(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

    @bus.subscribe("suppression.add", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_suppression_add(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

    @bus.subscribe("prospect.erase", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_erase(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

"""Subscribers of the enrichment service: translate messages into domain calls."""

from __future__ import annotations

import logging
from typing import Any

from faststream import AckPolicy
from leadgen_common.contracts import Envelope
from leadgen_common.kafka import EventBus

logger = logging.getLogger(__name__)

GROUP = "enrichment"


def register(bus: EventBus) -> None:
    @bus.subscribe("prospect.discovered", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_discovered(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

    @bus.subscribe("campaign.control", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_campaign_control(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

    @bus.subscribe("enrichment.requested", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_enrichment_requested(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

    @bus.subscribe("prospect.erase", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_erase(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

"""Subscribers of the scoring service: translate messages into domain calls."""

from __future__ import annotations

import logging
from typing import Any

from faststream import AckPolicy
from leadgen_common.contracts import Envelope
from leadgen_common.kafka import EventBus

logger = logging.getLogger(__name__)

GROUP = "scoring"


def register(bus: EventBus) -> None:
    @bus.subscribe("campaign.started", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_campaign_started(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

    @bus.subscribe("prospect.enriched", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_enriched(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

    @bus.subscribe("prospect.erase", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_erase(envelope: Envelope[Any]) -> None:
        logger.info("received %s", envelope.event_type)

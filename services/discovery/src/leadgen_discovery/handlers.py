"""Subscribers of the discovery service: translate messages into campaign commands.

Both return as soon as Postgres holds the effect (cursor rows, control status), so the
offset is committed then; the paging itself runs in the supervisor's background loops.
"""

from __future__ import annotations

from typing import Any

from faststream import AckPolicy
from leadgen_common.contracts import Envelope
from leadgen_common.kafka import EventBus

from .campaigns import Campaigns
from .lookalike.requests import LookalikeRequests

GROUP = "discovery"


def register(bus: EventBus, campaigns: Campaigns, lookalikes: LookalikeRequests) -> None:
    @bus.subscribe("campaign.started", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_campaign_started(envelope: Envelope[Any]) -> None:
        """Translate the ICP per platform and create the campaign's discovery cursors."""
        await campaigns.start(envelope)

    @bus.subscribe("campaign.control", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_campaign_control(envelope: Envelope[Any]) -> None:
        """Pause, resume or cancel a campaign's discovery (its cursors' status)."""
        await campaigns.control(envelope)

    @bus.subscribe(
        "audience.lookalike_requested", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR
    )
    async def on_lookalike_requested(envelope: Envelope[Any]) -> None:
        """Build the ICP's lookalike audiences and record them (audiences rows)."""
        await lookalikes.handle(envelope)

"""The consumers of the webhooks service (group ``webhooks``).

lead.created: one pending delivery per active endpoint of the event's team that
subscribed to it before the event occurred (a new consumer group starts from the earliest
offset: an endpoint registered today does not get last month's leads), then wake the
dispatcher. prospect.erased: the person's pending
deliveries are failed and their bodies dropped.

Idempotency: (endpoint, event id) is unique, so a redelivered message inserts nothing
and the receiver never gets the event under a second id; the offset is committed after
the insert. Nothing here waits on a receiver: the dispatcher does that.
"""

from __future__ import annotations

import logging

from faststream import AckPolicy
from leadgen_common.contracts import Envelope
from leadgen_common.contracts.events import LeadCreated, ProspectErased
from leadgen_common.crypto import FieldCipher
from leadgen_common.kafka import EventBus
from leadgen_common.webhooks import BODY_FIELD

from .adapters.store import Store
from .dispatcher import Dispatcher, inactive_reason

logger = logging.getLogger(__name__)

GROUP = "webhooks"
TOPIC = "lead.created"


def body_of(envelope: Envelope[LeadCreated]) -> str:
    """What a receiver gets: the event as published (envelope and payload, snake_case)."""
    return envelope.model_dump_json()


def register(bus: EventBus, store: Store, cipher: FieldCipher, dispatcher: Dispatcher) -> None:
    @bus.subscribe(TOPIC, group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_lead_created(envelope: Envelope[LeadCreated]) -> None:
        """Queue the lead for every active endpoint of its team that wants lead.created."""
        endpoints = [
            e
            for e in await store.endpoints_for(envelope.team_id, TOPIC)
            if inactive_reason(e) is None and envelope.occurred_at >= e.created_at
        ]
        if not endpoints:
            return
        sealed = cipher.encrypt(
            body_of(envelope),
            team_id=envelope.team_id,
            prospect_id=envelope.event_id,
            field=BODY_FIELD,
        )
        added = await store.add(
            [
                {
                    "team_id": envelope.team_id,
                    "endpoint_id": endpoint.id,
                    "event_id": envelope.event_id,
                    "event_type": TOPIC,
                    "prospect_id": envelope.payload.prospect_id,
                    "body": sealed,
                }
                for endpoint in endpoints
            ]
        )
        if added:
            dispatcher.wake()
        logger.debug("event %s: %d new deliveries", envelope.event_id, added)

    @bus.subscribe("prospect.erased", group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_prospect_erased(envelope: Envelope[ProspectErased]) -> None:
        """lead-writer erased the person (on request or for a suppression): a delivery of
        theirs still waiting is failed and its body dropped, so it is never sent."""
        dropped = await store.forget(envelope.team_id, envelope.payload.prospect_id)
        if dropped:
            logger.info("dropped %d pending deliveries of an erased prospect", dropped)

"""Subscribers of the lead-writer: each hands its envelope to one projector use case.

Every subscriber is in consumer group ``lead-writer`` with ``NACK_ON_ERROR``: the offset is
committed only after the use case's transaction committed (or the message was
dead-lettered). Idempotence: processed_events in that same transaction, per-stage counted
flags on campaign_prospects, forward-only statuses, unique keys on leads and the cost log.
"""

from __future__ import annotations

from faststream import AckPolicy
from leadgen_common.kafka import EventBus

from .projector import Projector

GROUP = "lead-writer"


def register(bus: EventBus, projector: Projector) -> None:
    routes = {
        "campaign.started": projector.campaign_started,
        "campaign.control": projector.campaign_control,
        "campaign.discovery_finished": projector.discovery_finished,
        "prospect.discovered": projector.prospect_discovered,
        "prospect.enriched": projector.prospect_enriched,
        "prospect.scored": projector.prospect_scored,
        "prospect.reviewed": projector.prospect_reviewed,
    }
    for topic, use_case in routes.items():
        bus.subscribe(topic, group_id=GROUP, ack_policy=AckPolicy.NACK_ON_ERROR)(use_case)

"""Subscribers of the lead-writer: each hands its envelope to one projector use case.

Delivery, per subscriber:

* group id ``lead-writer.<topic>`` (one consumer group per topic: a replica joining or
  dying rebalances only that topic's partitions, not every lead-writer consumer at once;
  replicas of the service share each group);
* ack policy ``NACK_ON_ERROR``: the offset is committed only after the use case's
  transaction committed, or after the EventBus dead-lettered the message;
* prospect.discovered, .enriched and .scored (the pipeline's volume) are consumed in
  batches of up to ``BATCH_SIZE``, each batch one transaction (one counter update per
  campaign); a failing batch is replayed one event at a time by the EventBus;
* prospect.erase and suppression.add go to the privacy use cases (``privacy.py``);
* idempotence: the event id goes into processed_events in the effect's transaction,
  each funnel stage is counted once per (campaign, prospect) by flags on
  campaign_prospects, statuses only move forward, leads are unique per person and the
  cost log is unique per (event, call).
"""

from __future__ import annotations

from faststream import AckPolicy
from leadgen_common.kafka import EventBus

from .projector import Projector

GROUP = "lead-writer"


def group_for(topic: str) -> str:
    return f"{GROUP}.{topic}"


#: The pipeline's volume: consumed in batches, one transaction per batch.
BATCHED = ("prospect.discovered", "prospect.enriched", "prospect.scored")


def register(bus: EventBus, projector: Projector, *, batch_size: int = 100) -> None:
    routes = {
        "campaign.started": projector.campaign_started,
        "campaign.control": projector.campaign_control,
        "campaign.discovery_finished": projector.discovery_finished,
        "prospect.reviewed": projector.prospect_reviewed,
        "prospect.update": projector.prospect_update,
        "prospect.erase": projector.privacy.prospect_erase,
        "suppression.add": projector.privacy.suppression_add,
    }
    for topic, use_case in routes.items():
        bus.subscribe(topic, group_id=group_for(topic), ack_policy=AckPolicy.NACK_ON_ERROR)(
            use_case
        )
    for topic in BATCHED:
        bus.subscribe_batch(
            topic,
            group_id=group_for(topic),
            ack_policy=AckPolicy.NACK_ON_ERROR,
            max_records=batch_size,
        )(projector.prospect_events)

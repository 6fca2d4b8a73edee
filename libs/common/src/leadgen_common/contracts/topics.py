"""Every topic, its payload model, its message key and the schema versions
consumers accept. The single source of truth for the contracts."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from . import events as ev


@dataclass(frozen=True)
class Topic:
    name: str
    payload: type[BaseModel]
    key: str  # payload field (or 'team_id' from the envelope) used as the Kafka key
    producer: str
    description: str
    versions: frozenset[int] = frozenset({1})

    @property
    def current_version(self) -> int:
        return max(self.versions)

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"


_ALL = [
    Topic(
        "campaign.started", ev.CampaignStarted, "campaign_id", "gateway", "A campaign was started."
    ),
    Topic(
        "campaign.control",
        ev.ControlCampaign,
        "campaign_id",
        "gateway",
        "Pause, resume or cancel a campaign.",
    ),
    Topic(
        "campaign.discovery_finished",
        ev.DiscoveryFinished,
        "campaign_id",
        "discovery",
        "Discovery finished a campaign (per-platform counts, failure reason).",
    ),
    Topic(
        "prospect.discovered",
        ev.ProspectDiscovered,
        "prospect_id",
        "discovery",
        "A matching profile was found.",
    ),
    Topic(
        "prospect.enriched",
        ev.ProspectEnriched,
        "prospect_id",
        "enrichment",
        "A prospect left enrichment (enriched or skipped).",
    ),
    Topic(
        "prospect.scored",
        ev.ProspectScored,
        "prospect_id",
        "scoring",
        "A prospect was scored and routed.",
    ),
    Topic(
        "prospect.reviewed",
        ev.ProspectReviewed,
        "prospect_id",
        "gateway",
        "A user converted or rejected a prospect.",
    ),
    Topic(
        "enrichment.requested",
        ev.RequestEnrichment,
        "prospect_id",
        "gateway",
        "Enrich a prospect on demand.",
    ),
    Topic(
        "audience.lookalike_requested",
        ev.RequestLookalike,
        "icp_id",
        "gateway",
        "Build a lookalike audience.",
    ),
    Topic(
        "prospect.update",
        ev.UpdateProspect,
        "prospect_id",
        "gateway",
        "Apply user edits to a prospect.",
    ),
    Topic("suppression.add", ev.AddSuppression, "team_id", "gateway", "Add a suppression entry."),
    Topic("prospect.erase", ev.EraseProspect, "prospect_id", "gateway", "Erase a person's data."),
    Topic(
        "prospect.erased",
        ev.ProspectErased,
        "prospect_id",
        "lead-writer",
        "A person's data was erased.",
    ),
    Topic(
        "lead.created",
        ev.LeadCreated,
        "lead_id",
        "lead-writer",
        "A prospect became a lead (public contract, via the outbox).",
    ),
]

TOPICS: dict[str, Topic] = {t.name: t for t in _ALL}
TOPIC_BY_PAYLOAD: dict[type[BaseModel], Topic] = {t.payload: t for t in _ALL}


def all_topic_names(*, with_dlq: bool = True) -> list[str]:
    names = [t.name for t in _ALL]
    return names + [t.dlq for t in _ALL] if with_dlq else names

"""Building a lead: the lead.created payload and the leads row, from what lead-writer
stored about the prospect (so user edits of contact fields are what the lead carries)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from leadgen_common.contracts import lead_id_for
from leadgen_common.contracts.events import LeadCreated, ScoreBreakdown


class LeadSource(StrEnum):
    AUTO = "auto"  # the campaign auto-converts qualified prospects
    REVIEW = "review"  # a person converted the prospect


@dataclass(frozen=True)
class ProspectRecord:
    """A prospects row, as far as a lead needs it."""

    id: uuid.UUID
    team_id: uuid.UUID
    platform: str
    profile_url: str | None
    name: str | None
    title: str | None = None
    company_name: str | None = None
    company_domain: str | None = None
    location: str | None = None
    contact_info: dict[str, Any] = field(default_factory=dict)
    enrichment_data: dict[str, Any] = field(default_factory=dict)
    assignee: str | None = None


@dataclass(frozen=True)
class ScoreRecord:
    """The scoring result stored on the campaign_prospects row."""

    icp_match_score: float
    quality_score: float
    breakdown: dict[str, Any]


class LeadNotBuildable(ValueError):
    """The stored prospect lacks what a lead must carry (e.g. erased personal fields)."""


def lead_created(
    prospect: ProspectRecord,
    score: ScoreRecord,
    *,
    campaign_id: uuid.UUID,
    source: LeadSource,
    created_at: datetime,
) -> LeadCreated:
    if not prospect.name or not prospect.profile_url:
        raise LeadNotBuildable(f"prospect {prospect.id} has no name or profile URL")
    return LeadCreated(
        lead_id=lead_id_for(prospect.id),
        prospect_id=prospect.id,
        campaign_id=campaign_id,
        source=source.value,
        platform=prospect.platform,
        profile_url=prospect.profile_url,
        name=prospect.name,
        title=prospect.title,
        company_name=prospect.company_name,
        company_domain=prospect.company_domain,
        location=prospect.location,
        email=prospect.contact_info.get("email"),
        icp_match_score=score.icp_match_score,
        quality_score=score.quality_score,
        breakdown=ScoreBreakdown.model_validate(score.breakdown),
        created_at=created_at,
    )


def lead_row(lead: LeadCreated, prospect: ProspectRecord) -> dict[str, Any]:
    """Column values of the leads row for ``lead``."""
    return {
        "id": lead.lead_id,
        "team_id": prospect.team_id,
        "prospect_id": lead.prospect_id,
        "campaign_id": lead.campaign_id,
        "source": lead.source,
        "icp_match_score": lead.icp_match_score,
        "quality_score": lead.quality_score,
        "contact_info": {k: v for k, v in prospect.contact_info.items() if v is not None},
        "company_info": prospect.enrichment_data.get("company") or {},
        "social_profiles": {lead.platform.value: lead.profile_url},
        "assignee": prospect.assignee,  # a prospect assigned before it became a lead
        "created_at": lead.created_at,
    }

"""Bodies of the prospect list and review routes."""

from __future__ import annotations

import uuid
from typing import Literal

from leadgen_common.contracts import Platform, ProspectStatus, ScoreBreakdown
from pydantic import Field

from .common import CamelModel


class ProspectItem(CamelModel):
    id: uuid.UUID
    platform: Platform
    platform_profile_id: str
    name: str | None = Field(description="Null once the person was erased.")
    title: str | None
    company: str | None
    location: str | None
    status: ProspectStatus
    icp_match_score: float | None = Field(description="Null until scored.")
    quality_score: float | None
    enrichment_skipped: str | None = Field(description="Null, or why enrichment was skipped.")
    breakdown: ScoreBreakdown | None = Field(description="Per-dimension scores and reasons.")


class ProspectPage(CamelModel):
    items: list[ProspectItem]
    next_cursor: str | None


class ReviewBody(CamelModel):
    campaign_id: uuid.UUID | None = Field(
        default=None, description="Campaign the decision is for; default: the latest one."
    )


class ReviewAccepted(CamelModel):
    prospect_id: uuid.UUID
    campaign_id: uuid.UUID
    lead_id: uuid.UUID | None = Field(description="The lead the prospect becomes (convert only).")
    status: Literal["accepted"]

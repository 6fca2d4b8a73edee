"""Bodies of the /prospecting/campaigns routes (spec §9.1, DESIGN.md "HTTP API")."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from leadgen_common.contracts import CampaignOptions, CampaignStatus, Platform
from pydantic import ConfigDict, Field, StringConstraints, ValidationInfo, field_validator
from pydantic.alias_generators import to_camel

from .common import CamelModel


class CampaignOptionsBody(CampaignOptions):
    """The contract's options (same bounds) under their camelCase names."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class CampaignCreate(CamelModel):
    icp_id: uuid.UUID = Field(description="ICP of the caller's team to prospect for.")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    platforms: list[Platform] = Field(min_length=1, description="Platforms to search.")
    search_criteria: dict[Platform, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per-platform overrides of the criteria translated from the ICP.",
    )
    options: CampaignOptionsBody = Field(default_factory=CampaignOptionsBody)

    @field_validator("platforms")
    @classmethod
    def _distinct(cls, platforms: list[Platform]) -> list[Platform]:
        if len(set(platforms)) != len(platforms):
            raise ValueError("each platform may appear once")
        return platforms

    @field_validator("search_criteria")
    @classmethod
    def _only_searched(
        cls, criteria: dict[Platform, dict[str, Any]], info: ValidationInfo
    ) -> dict[Platform, dict[str, Any]]:
        if "platforms" not in info.data:  # already reported as invalid
            return criteria
        extra = [p.value for p in criteria if p not in info.data["platforms"]]
        if extra:
            raise ValueError(f"{', '.join(extra)} not among the campaign's platforms")
        return criteria


class CampaignAccepted(CamelModel):
    campaign_id: uuid.UUID
    status: CampaignStatus
    estimated_completion: datetime | None


class CampaignControl(CamelModel):
    status: Literal["paused", "running", "cancelled"] = Field(
        description="paused stops discovery, running resumes it, cancelled ends the campaign."
    )


class CampaignControlAccepted(CamelModel):
    campaign_id: uuid.UUID
    status: Literal["paused", "running", "cancelled"] = Field(
        description="The status now requested; GET shows it once the pipeline applied it."
    )


class Progress(CamelModel):
    discovered: int
    enriched: int = Field(description="Left the enrichment stage, skipped included.")
    enrichment_skipped: int
    scored: int
    qualified: int
    review: int
    rejected: int
    converted: int = Field(description="Leads created for this campaign.")


class PlatformProgress(CamelModel):
    discovered: int
    rate_limited_until: datetime | None
    criteria: dict[str, Any] = Field(description="Search criteria sent to the platform.")
    failure_reason: str | None


class Cost(CamelModel):
    total: float
    per_qualified_lead: float | None = Field(description="total / qualified; null before any.")
    currency: str


class CampaignOut(CamelModel):
    id: uuid.UUID
    name: str
    status: CampaignStatus
    progress: Progress
    platforms: dict[Platform, PlatformProgress]
    cost: Cost
    estimated_completion: datetime | None
    failure_reason: str | None
    warnings: list[str] = Field(description="ICP values some platform could not use.")
    started_at: datetime
    completed_at: datetime | None


class CampaignSummary(CamelModel):
    id: uuid.UUID
    name: str
    icp_id: uuid.UUID
    status: CampaignStatus
    platforms: list[Platform]
    started_at: datetime
    completed_at: datetime | None


class CampaignPage(CamelModel):
    items: list[CampaignSummary]
    next_cursor: str | None


class ScoreBucket(CamelModel):
    low: float = Field(description="Lowest ICP match score of the bucket (inclusive).")
    high: float = Field(description="Upper bound (exclusive, but 1.0 is in the last bucket).")
    count: int


class CampaignAnalytics(CamelModel):
    """Lead quality and ROI of one campaign: what the console's analytics page and an A/B
    comparison of two ICP variants are drawn from."""

    campaign_id: uuid.UUID
    name: str
    icp_id: uuid.UUID
    status: CampaignStatus
    platforms: list[Platform]
    progress: Progress
    score_distribution: list[ScoreBucket] = Field(
        description="Scored prospects per tenth of the ICP match score."
    )
    qualified_rate: float | None = Field(description="qualified / scored; null before any.")
    lead_rate: float | None = Field(description="leads (converted) / scored; null before any.")
    cost: Cost
    cost_per_lead: float | None = Field(description="total / leads; null before any.")

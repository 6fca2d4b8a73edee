"""Payload models for every topic (DESIGN.md "Topics and contracts").

Events are named in the past tense (what happened), commands in the imperative
(what to do). Fields are snake_case. Additive changes only.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from .icp import Icp
from .platforms import Platform

ProspectId = Annotated[
    uuid.UUID, Field(description="The prospect: UUIDv5 of team, platform and platform profile id.")
]
CampaignId = Annotated[uuid.UUID, Field(description="The campaign.")]
RequestedBy = Annotated[str, Field(description="Principal (token subject) who asked.")]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CampaignStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ProspectStatus(StrEnum):
    NEW = "new"
    ENRICHED = "enriched"
    QUALIFIED = "qualified"
    REVIEW = "review"
    REJECTED = "rejected"
    CONVERTED = "converted"
    ERASED = "erased"


class ScoreOutcome(StrEnum):
    QUALIFIED = "qualified"
    REVIEW = "review"
    REJECTED = "rejected"


class ControlAction(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"


class CampaignOptions(_Payload):
    max_prospects: int = Field(default=1000, ge=1, le=100_000, description="Stop after this many.")
    auto_enrich: bool = Field(default=True, description="Call enrichment providers.")
    auto_convert: bool = Field(default=True, description="Turn qualified prospects into leads.")
    min_match_score: float = Field(
        default=0.75,
        ge=0.0,
        le=1.0,
        description="Score a prospect needs to qualify; raises the 0.75 bar, never lowers it.",
    )


# ---------------------------------------------------------------- campaign.*
class CampaignStarted(_Payload):
    """A team started a prospecting campaign for an ICP."""

    campaign_id: uuid.UUID = Field(description="The campaign.")
    name: str = Field(description="Campaign name.")
    icp_id: uuid.UUID = Field(description="ICP the campaign searches for.")
    icp: Icp = Field(description="Snapshot of the ICP at start, so consumers need no lookup.")
    platforms: list[Platform] = Field(min_length=1, description="Platforms to search.")
    search_criteria: dict[Platform, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per-platform overrides of the criteria translated from the ICP.",
    )
    options: CampaignOptions = Field(
        default_factory=CampaignOptions, description="maxProspects, autoEnrich, autoConvert, …"
    )
    requested_by: str = Field(description="Principal (token subject) who started it.")


class ControlCampaign(_Payload):
    """Command: pause, resume or cancel a campaign."""

    campaign_id: uuid.UUID = Field(description="The campaign.")
    action: ControlAction = Field(description="What to do.")
    requested_by: str = Field(description="Principal who asked.")


class PlatformDiscovery(_Payload):
    discovered: int = Field(ge=0, description="Prospects published for this platform.")
    criteria: dict[str, Any] = Field(default_factory=dict, description="Criteria actually used.")
    warnings: list[str] = Field(default_factory=list, description="ICP values that did not map.")
    failure_reason: str | None = Field(default=None, description="Why the platform failed.")


class DiscoveryFinished(_Payload):
    """Discovery published every prospect it will publish for a campaign."""

    campaign_id: uuid.UUID = Field(description="The campaign.")
    total_discovered: int = Field(ge=0, description="Sum over platforms.")
    platforms: dict[Platform, PlatformDiscovery] = Field(description="Per-platform outcome.")
    reason: str = Field(description="'max_prospects', 'exhausted', 'cancelled' or 'failed'.")


# ---------------------------------------------------------------- prospect.*
class ProspectProfile(_Payload):
    """What a platform told us about a person."""

    platform: Platform = Field(description="Where the person was found.")
    platform_profile_id: str = Field(min_length=1, description="The platform's id for the person.")
    profile_url: str = Field(description="Public profile URL.")
    name: str = Field(description="Full name.")
    headline: str | None = Field(default=None, description="Profile headline.")
    title: str | None = Field(default=None, description="Current job title.")
    company_name: str | None = Field(default=None, description="Current employer.")
    company_domain: str | None = Field(default=None, description="Employer's web domain.")
    location: str | None = Field(default=None, description="Where the person is.")
    industry: str | None = Field(
        default=None, description="Employer's industry as the platform says."
    )
    summary: str | None = Field(default=None, description="Free-text about / bio.")
    skills: list[str] = Field(default_factory=list, description="Listed skills or interests.")
    activity: dict[str, Any] = Field(
        default_factory=dict,
        description="Activity signals: posts_last_30d, last_active_days, followers, …",
    )


class ProspectDiscovered(_Payload):
    """Discovery found a person matching a campaign's criteria."""

    prospect_id: uuid.UUID = Field(description="UUIDv5 of team, platform and profile id.")
    campaign_id: uuid.UUID = Field(description="The campaign.")
    rank: int = Field(ge=0, description="Position in the platform's relevance order.")
    profile: ProspectProfile
    options: CampaignOptions = Field(
        description="The campaign's options, carried so later stages need no lookup."
    )


class ProviderCall(_Payload):
    provider: str = Field(description="e.g. 'clearbit', 'hunter', 'apollo'.")
    operation: str = Field(description="e.g. 'company', 'person', 'email_finder'.")
    status: str = Field(description="'success', 'failed', 'rate_limited' or 'cached'.")
    cost: Decimal = Field(ge=0, description="Cost in the ledger currency.")
    latency_ms: float = Field(ge=0, description="Wall time of the call.")


class CompanyData(_Payload):
    name: str | None = Field(default=None, description="Company name.")
    domain: str | None = Field(default=None, description="Web domain.")
    industry: str | None = Field(default=None, description="Industry (provider taxonomy).")
    employees: int | None = Field(default=None, ge=0, description="Headcount.")
    employees_range: str | None = Field(default=None, description="e.g. '51-200'.")
    founded_year: int | None = Field(default=None, description="Year founded.")
    location: str | None = Field(default=None, description="Headquarters.")
    tags: list[str] = Field(default_factory=list, description="Provider tags, e.g. B2B, SaaS.")
    description: str | None = Field(default=None, description="Company description.")
    funding_raised_usd: int | None = Field(default=None, ge=0, description="Total raised.")
    tech: list[str] = Field(default_factory=list, description="Technologies used.")


class Enrichment(_Payload):
    company: CompanyData | None = Field(default=None, description="Employer data.")
    email: str | None = Field(default=None, description="Work email, when found.")
    email_status: str | None = Field(
        default=None, description="valid, invalid, accept_all, webmail, disposable, unknown."
    )
    provenance: dict[str, str] = Field(
        default_factory=dict, description="Field name -> provider that filled it."
    )
    provenance_at: dict[str, AwareDatetime] = Field(
        default_factory=dict,
        description="Field name -> when its provider answered (a cached answer keeps the "
        "time the provider gave it, so freshness is the data's, not the cache's).",
    )


class ProspectEnriched(_Payload):
    """A prospect left the enrichment stage (enriched, or skipped with a reason)."""

    prospect_id: ProspectId
    campaign_id: CampaignId
    profile: ProspectProfile = Field(description="The discovered profile, carried forward.")
    options: CampaignOptions = Field(description="The campaign's options, carried forward.")
    enrichment: Enrichment = Field(
        default_factory=Enrichment, description="What providers added (may be empty)."
    )
    enrichment_skipped: str | None = Field(
        default=None, description="Null, or why enrichment was skipped (e.g. 'auto_enrich_off')."
    )
    provider_calls: list[ProviderCall] = Field(
        default_factory=list, description="Every provider call made, for the cost ledger."
    )


class DimensionScore(_Payload):
    score: float = Field(ge=0.0, le=1.0, description="Dimension value in [0, 1].")
    reasons: list[str] = Field(default_factory=list, description="Human-readable reasons.")


class ScoreBreakdown(_Payload):
    demographics: DimensionScore = Field(description="Titles, seniority, location, age (30%).")
    firmographics: DimensionScore = Field(description="Industry, company size, geography (25%).")
    psychographics: DimensionScore = Field(description="Pain points, goals, values (25%).")
    activity: DimensionScore = Field(description="Recency and volume of activity (20%).")


class ProspectScored(_Payload):
    """A prospect was scored against its campaign's ICP and routed."""

    prospect_id: ProspectId
    campaign_id: CampaignId
    icp_match_score: float = Field(ge=0.0, le=1.0, description="Weighted ICP match.")
    quality_score: float = Field(ge=0.0, le=1.0, description="Confidence in the data itself.")
    breakdown: ScoreBreakdown = Field(description="Per-dimension scores and reasons.")
    outcome: ScoreOutcome = Field(description="qualified (>= bar), review, or rejected.")
    profile: ProspectProfile = Field(description="The profile, carried forward.")
    options: CampaignOptions = Field(description="The campaign's options, carried forward.")
    enrichment: Enrichment = Field(
        default_factory=Enrichment, description="What providers added (may be empty)."
    )


class ReviewDecision(StrEnum):
    CONVERT = "convert"
    REJECT = "reject"


class ProspectReviewed(_Payload):
    """A user converted or rejected a prospect by hand."""

    prospect_id: ProspectId
    campaign_id: CampaignId
    decision: ReviewDecision = Field(description="convert or reject.")
    reviewed_by: str = Field(description="Principal who decided.")


class RequestEnrichment(_Payload):
    """Command: enrich prospects on demand (single or batch job), one command per prospect."""

    job_id: uuid.UUID = Field(description="Enrichment job this belongs to.")
    prospect_id: ProspectId
    providers: list[str] = Field(
        default_factory=list,
        description="Providers to ask (clearbit, hunter, apollo), in this order; empty "
        "means the team's waterfall order.",
    )
    validate_email: bool = Field(default=True, description="Also verify the email.")
    job_total: int = Field(
        default=1,
        ge=1,
        description="Prospects in the job (one command each); the job is completed once "
        "this many are done or failed.",
    )
    requested_by: str | None = Field(
        default=None, description="Principal (token subject) who asked, when known."
    )


class RequestLookalike(_Payload):
    """Command: build a lookalike audience for an ICP."""

    icp_id: uuid.UUID = Field(description="ICP to build the audience from.")
    platforms: list[Platform] = Field(min_length=1, description="Platforms to build it on.")
    requested_by: RequestedBy
    request_id: uuid.UUID | None = Field(
        default=None,
        description="Names this request; one audience per (request, platform), so a "
        "redelivered command updates the same audience rows.",
    )
    min_score: float = Field(
        default=0.75, ge=0.0, le=1.0, description="Seed only leads whose ICP match is this high."
    )
    limit: int = Field(
        default=500, ge=1, le=10_000, description="Most leads taken as the seed, best first."
    )


#: Prospect fields a user may correct (``UpdateProspect.fields`` keys): contact fields kept
#: in ``contact_info`` and profile columns. Each edited one is marked on the prospect.
EDITABLE_CONTACT_FIELDS = ("email", "phone")
EDITABLE_PROFILE_FIELDS = ("name", "title", "company_name", "company_domain", "location")
EDITABLE_FIELDS = EDITABLE_CONTACT_FIELDS + EDITABLE_PROFILE_FIELDS


class UpdateProspect(_Payload):
    """Command: user edits to a prospect (marked, never overwritten by enrichment)."""

    prospect_id: ProspectId
    fields: dict[str, Any] = Field(
        default_factory=dict,
        description="Fields the user edited, name -> new value (a string, or null to clear "
        "it): email, phone, name (never null), title, company_name, company_domain, "
        "location. Each one is marked as edited and enrichment never overwrites it.",
    )
    assignee: str | None = Field(default=None, description="User to assign it to.")
    unassign: bool = Field(
        default=False,
        description="Remove the assignee (assignee must then be null). A null assignee "
        "without unassign leaves the assignment as it is.",
    )
    lead_status: str | None = Field(default=None, description="New lead status.")
    requested_by: RequestedBy

    @field_validator("fields")
    @classmethod
    def _editable(cls, fields: dict[str, Any]) -> dict[str, Any]:
        for name, value in fields.items():
            if name not in EDITABLE_FIELDS:
                raise ValueError(f"{name!r} is not an editable field")
            if not (isinstance(value, str) or (value is None and name != "name")):
                raise ValueError(
                    f"{name!r} must be a string" + ("" if name == "name" else " or null")
                )
        return fields

    @model_validator(mode="after")
    def _one_assignment(self) -> UpdateProspect:
        if self.unassign and self.assignee is not None:
            raise ValueError("unassign and an assignee exclude each other")
        return self


class AddSuppression(_Payload):
    """Command: never prospect this person, email or domain again."""

    kind: str = Field(description="'email', 'domain' or 'profile_url'.")
    value: str = Field(min_length=1, description="The email, domain or URL to suppress.")
    requested_by: RequestedBy
    hashed: bool = Field(
        default=False,
        description="value is already the SHA-256 hex digest of the normalized value "
        "(leadgen_common.suppression), as the gateway sends it: no plain value travels.",
    )


class EraseProspect(_Payload):
    """Command: erase a person's data (GDPR art. 17)."""

    prospect_id: ProspectId
    requested_by: RequestedBy


class ProspectErased(_Payload):
    """A person's data was erased."""

    prospect_id: ProspectId
    erased_at: AwareDatetime = Field(description="When the data was erased.")


class LeadCreated(_Payload):
    """A prospect became a lead. Public contract: at most one per prospect; a repeat
    delivery carries the same envelope ``event_id`` and must be deduped on it."""

    lead_id: uuid.UUID = Field(description="UUIDv5 of the prospect id; stable.")
    prospect_id: ProspectId
    campaign_id: CampaignId
    source: str = Field(description="'auto' (autoConvert) or 'review' (manual convert).")
    platform: Platform = Field(description="Where the person was found.")
    profile_url: str = Field(description="Public profile URL.")
    name: str = Field(description="Full name.")
    title: str | None = Field(default=None, description="Job title.")
    company_name: str | None = Field(default=None, description="Employer.")
    company_domain: str | None = Field(default=None, description="Employer's web domain.")
    location: str | None = Field(default=None, description="Where the person is.")
    email: str | None = Field(default=None, description="Work email, when known.")
    icp_match_score: float = Field(ge=0.0, le=1.0, description="ICP match in [0, 1].")
    quality_score: float = Field(ge=0.0, le=1.0, description="Data confidence in [0, 1].")
    breakdown: ScoreBreakdown = Field(description="Per-dimension scores and reasons.")
    created_at: AwareDatetime = Field(description="When the lead was created.")

"""Bodies of the prospect list, review and edit routes."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from leadgen_common.contracts import EDITABLE_FIELDS, Platform, ProspectStatus, ScoreBreakdown
from pydantic import EmailStr, Field, StringConstraints, field_validator, model_validator
from pydantic.alias_generators import to_camel

from .common import CamelModel

#: The API's (camelCase) name of each field a user may edit, by its event/column name.
EDIT_NAMES = {name: to_camel(name) for name in (*EDITABLE_FIELDS, "assignee")}


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
    email: str | None = Field(default=None, description="Email, found or edited by a user.")
    phone: str | None = Field(default=None, description="Phone, when a user gave one.")
    edited_fields: list[str] = Field(
        default_factory=list,
        description="Fields a user edited (PATCH /prospects/{id} names): enrichment never "
        "overwrites them.",
    )
    assignee: str | None = Field(default=None, description="User the prospect is assigned to.")

    @field_validator("edited_fields", mode="before")
    @classmethod
    def _api_names(cls, names: list[str] | None) -> list[str]:
        return [EDIT_NAMES.get(name, name) for name in names or ()]


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


#: One line of text: no control characters (Postgres refuses NUL in text and jsonb).
Text = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=300, pattern=r"^[^\x00-\x1f\x7f]+$"
    ),
]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\+?\(?[0-9][0-9 ()./-]{2,39}$")
]
_LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"  # one DNS label
Domain = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        max_length=253,
        pattern=rf"^{_LABEL}(\.{_LABEL})+$",
    ),
]


class ProspectEdit(CamelModel):
    """A user's corrections and assignment: at least one field. Every contact or profile
    field given is marked edited, and enrichment never overwrites it; null clears one (and
    enrichment does not fill it again); the name can be corrected, not cleared."""

    email: EmailStr | None = Field(default=None, description="Work email.")
    phone: Phone | None = Field(default=None, description="Phone number, e.g. '+49 30 1234567'.")
    name: Text = Field(default=None, description="Full name (cannot be null).")  # type: ignore[assignment]
    title: Text | None = Field(default=None, description="Job title.")
    company_name: Text | None = Field(default=None, description="Employer.")
    company_domain: Domain | None = Field(default=None, description="Employer's web domain.")
    location: Text | None = Field(default=None, description="Where the person is.")
    assignee: Text | None = Field(
        default=None,
        description="User id to assign the prospect (and its lead) to; null unassigns.",
    )

    @model_validator(mode="after")
    def _at_least_one(self) -> ProspectEdit:
        if not self.model_fields_set:
            raise ValueError("give at least one field to edit")
        return self

    def given(self) -> dict[str, Any]:
        """The fields the body names, by event name, with their values (null included)."""
        return self.model_dump(include=self.model_fields_set)


class ProspectEditAccepted(CamelModel):
    prospect_id: uuid.UUID
    edited_fields: list[str] = Field(
        description="The fields this request changes, as the body named them (assignee "
        "included); lead-writer applies them shortly."
    )

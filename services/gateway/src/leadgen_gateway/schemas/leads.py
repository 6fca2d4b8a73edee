"""Bodies of the /leads routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from leadgen_common.db.schema import LEAD_STATUSES
from pydantic import Field, model_validator

from .common import CamelModel
from .prospects import Text


class LeadItem(CamelModel):
    id: uuid.UUID
    prospect_id: uuid.UUID
    campaign_id: uuid.UUID
    status: str = Field(description="new, contacted, qualified, unqualified, won or lost.")
    assignee: str | None
    name: str | None = Field(description="Null once the person was erased.")
    title: str | None
    company: str | None
    email: str | None
    icp_match_score: float
    quality_score: float | None
    source: str = Field(description="'auto' (autoConvert) or 'review' (manual convert).")
    created_at: datetime


class LeadPage(CamelModel):
    items: list[LeadItem]
    next_cursor: str | None


LeadStatus = Literal[LEAD_STATUSES]  # type: ignore[valid-type]


class LeadUpdate(CamelModel):
    """A new status and/or assignee: at least one. Everything else about a lead (its
    scores, source, campaign, team) is the pipeline's and refused here."""

    status: LeadStatus | None = Field(
        default=None, description="new, contacted, qualified, unqualified, won or lost."
    )
    assignee: Text | None = Field(
        default=None,
        description="User id (a token's `sub`) to assign the lead and its prospect to; null "
        "unassigns. Managers and admins only.",
    )

    @model_validator(mode="after")
    def _at_least_one(self) -> LeadUpdate:
        if not self.model_fields_set:
            raise ValueError("give a status or an assignee")
        if "status" in self.model_fields_set and self.status is None:
            raise ValueError("status cannot be null")
        return self


class LeadUpdateAccepted(CamelModel):
    lead_id: uuid.UUID
    prospect_id: uuid.UUID
    updated_fields: list[str] = Field(
        description="What this request changes (status, assignee); lead-writer applies it shortly."
    )

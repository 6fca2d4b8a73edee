"""Bodies of the /leads routes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from .common import CamelModel


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

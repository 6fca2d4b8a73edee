"""Bodies of the /icps/{id}/lookalike routes (spec §3.1 createLookalikeAudience)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from .common import CamelModel

#: Platforms that offer lookalike audiences (X has none).
LookalikePlatform = Literal["linkedin", "facebook"]


class LookalikeCreate(CamelModel):
    platforms: list[LookalikePlatform] = Field(
        min_length=1, description="Platforms to build the audience on: linkedin, facebook."
    )
    min_score: float = Field(
        default=0.75, ge=0.0, le=1.0, description="Seed only leads whose ICP match is this high."
    )
    limit: int = Field(default=500, ge=1, le=10_000, description="Most leads in the seed.")

    @field_validator("platforms")
    @classmethod
    def _distinct(cls, platforms: list[str]) -> list[str]:
        if len(set(platforms)) != len(platforms):
            raise ValueError("each platform may appear once")
        return platforms


class LookalikeAccepted(CamelModel):
    audience_request_id: uuid.UUID = Field(description="Names this request's audiences.")
    icp_id: uuid.UUID
    platforms: list[LookalikePlatform]
    status: Literal["pending"]


class EstimatedSize(CamelModel):
    lower: int | None = Field(description="Provider's lower bound of the lookalike's size.")
    upper: int | None = Field(description="Provider's upper bound (LinkedIn: same as lower).")


class LookalikeItem(CamelModel):
    audience_request_id: uuid.UUID | None = Field(description="The request that built it.")
    platform: str
    status: str = Field(description="ready or failed.")
    seed_size: int | None = Field(description="Hashed emails sent as the seed.")
    estimated_size: EstimatedSize
    audience_id: str | None = Field(description="The provider's id of the lookalike audience.")
    failure_reason: str | None = Field(description="The provider's reason when it failed.")
    created_at: datetime


class LookalikeList(CamelModel):
    items: list[LookalikeItem] = Field(description="Newest first.")

"""Bodies of the /icps routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from leadgen_common.contracts import IcpDefinition, Platform
from pydantic import Field

from .common import CamelModel


class IcpOut(IcpDefinition):
    """A stored ICP: its definition plus identity and timestamps."""

    id: uuid.UUID
    created_at: datetime
    updated_at: datetime


class IcpPage(CamelModel):
    items: list[IcpOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at end.")


class CriteriaPreviewBody(CamelModel):
    platforms: list[Platform] | None = Field(
        default=None, min_length=1, description="Platforms to translate for; default: all."
    )
    search_criteria: dict[Platform, dict[str, Any]] = Field(
        default_factory=dict, description="Per-platform overrides, as in a campaign body."
    )


class PlatformCriteria(CamelModel):
    criteria: dict[str, Any] = Field(description="Search criteria the platform is sent.")
    warnings: list[str] = Field(description="ICP values that did not map to the platform.")


class CriteriaPreview(CamelModel):
    icp_id: uuid.UUID
    platforms: dict[Platform, PlatformCriteria]

"""Bodies of the /enrichment routes (spec §9.2): on-demand enrichment jobs."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import Field, field_validator

from .common import CamelModel

Provider = Literal["clearbit", "hunter", "apollo"]
#: Most prospects one batch job may name.
MAX_BATCH = 100


class EnrichRequest(CamelModel):
    providers: list[Provider] | None = Field(
        default=None,
        description="Providers to ask, in this order (clearbit, hunter, apollo); omitted "
        "or empty: the team's waterfall order.",
    )
    validate_email: bool = Field(
        default=True, description="Also verify the email (Hunter's verifier) when needed."
    )

    @field_validator("providers")
    @classmethod
    def _distinct_providers(cls, providers: list[str] | None) -> list[str] | None:
        if providers is not None and len(set(providers)) != len(providers):
            raise ValueError("each provider may appear once")
        return providers


class EnrichBatch(EnrichRequest):
    prospect_ids: list[uuid.UUID] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description=f"Prospects of the caller's team to enrich (1-{MAX_BATCH}, each once).",
    )

    @field_validator("prospect_ids")
    @classmethod
    def _distinct_ids(cls, ids: list[uuid.UUID]) -> list[uuid.UUID]:
        if len(set(ids)) != len(ids):
            raise ValueError("each prospect id may appear once")
        return ids


class JobAccepted(CamelModel):
    job_id: uuid.UUID = Field(description="Poll GET /enrichment/jobs/{jobId} for progress.")
    total: int = Field(description="Prospects in the job.")
    status: Literal["queued"]


class JobItem(CamelModel):
    prospect_id: uuid.UUID
    status: Literal["pending", "done", "failed"]
    error: str | None = Field(description="Why the item failed (e.g. erased, provider_error).")


class JobOut(CamelModel):
    job_id: uuid.UUID
    status: Literal["queued", "running", "completed"] = Field(
        description="queued until enrichment has seen the job; completed once done + failed "
        "== total."
    )
    total: int
    done: int
    failed: int
    items: list[JobItem] = Field(description="One per prospect, in the order requested.")

"""The envelope every message travels in.

Consumers dedupe on ``event_id``; a republished event keeps it. ``schema_version``
changes only for breaking changes, and consumers accept the versions listed in
:data:`leadgen_common.contracts.topics.TOPICS` side by side.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

P = TypeVar("P", bound=BaseModel)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Envelope(BaseModel, Generic[P]):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: uuid.UUID = Field(
        default_factory=uuid.uuid4,
        description="Unique id of this event; the dedupe key. A republish keeps it.",
    )
    event_type: str = Field(description="The topic's event name, e.g. 'prospect.discovered'.")
    schema_version: int = Field(ge=1, description="Version of the payload schema.")
    occurred_at: AwareDatetime = Field(
        default_factory=utcnow, description="When the fact happened (UTC, ISO 8601)."
    )
    team_id: uuid.UUID = Field(description="Tenant the event belongs to.")
    campaign_id: uuid.UUID | None = Field(
        default=None, description="Campaign the event belongs to, when there is one."
    )
    correlation_id: str = Field(
        min_length=1,
        max_length=128,
        description="Id shared by every event caused by one user request (e.g. one campaign).",
    )
    causation_id: uuid.UUID | None = Field(
        default=None, description="event_id of the event that caused this one, if any."
    )
    payload: P = Field(description="The event body; its model depends on the topic.")

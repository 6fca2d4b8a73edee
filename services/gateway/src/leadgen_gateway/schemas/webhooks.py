"""Bodies of the /webhooks routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from .common import CamelModel

EventType = Literal["lead.created"]
DeliveryStatus = Literal["pending", "delivered", "failed"]


class WebhookCreate(CamelModel):
    url: str = Field(
        min_length=1,
        max_length=2048,
        description="HTTPS URL on the public internet that receives the events (no "
        "credentials; private, loopback and link-local targets are refused outside dev mode).",
    )
    events: list[EventType] = Field(
        default=["lead.created"], min_length=1, max_length=8, description="Event types to send."
    )
    description: str | None = Field(default=None, max_length=500, description="A note.")


class WebhookUpdate(CamelModel):
    url: str | None = Field(default=None, min_length=1, max_length=2048)
    events: list[EventType] | None = Field(default=None, min_length=1, max_length=8)
    description: str | None = Field(default=None, max_length=500)
    enabled: bool | None = Field(
        default=None,
        description="false pauses deliveries; true resumes them, also after the endpoint "
        "was disabled for repeated failures (its failure count starts again).",
    )
    rotate_secret: bool = Field(
        default=False,
        description="true: a new signing secret, shown once in this answer; the old one "
        "stops signing at once.",
    )


class WebhookOut(CamelModel):
    id: uuid.UUID
    url: str
    events: list[str]
    description: str | None
    enabled: bool = Field(description="The team's switch (PATCH enabled).")
    status: Literal["active", "paused", "disabled"] = Field(
        description="active: receives events; paused: enabled is false; disabled: turned "
        "off after repeated failed deliveries (PATCH enabled=true resumes)."
    )
    disabled_at: datetime | None = Field(description="When delivery disabled the endpoint.")
    consecutive_failures: int = Field(description="Failed deliveries since the last success.")
    created_at: datetime
    updated_at: datetime
    secret: str | None = Field(
        default=None,
        description="The signing secret: only in the answer that created or rotated it.",
    )


class WebhookPage(CamelModel):
    items: list[WebhookOut]
    next_cursor: str | None


class DeliveryOut(CamelModel):
    id: uuid.UUID
    event_id: uuid.UUID = Field(description="Also the X-Leadgen-Event-Id of every attempt.")
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None = Field(description="When a pending delivery is due.")
    last_status_code: int | None = Field(description="HTTP status of the last attempt.")
    last_error: str | None = Field(description="Why the last attempt failed, when it did.")
    delivered_at: datetime | None
    created_at: datetime


class DeliveryPage(CamelModel):
    items: list[DeliveryOut]
    next_cursor: str | None

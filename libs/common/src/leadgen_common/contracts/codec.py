"""Encoding and decoding envelopes, with the errors that send a message to its DLQ."""

from __future__ import annotations

import json
import uuid
from typing import Any

from pydantic import BaseModel, ValidationError

from .envelope import Envelope
from .topics import TOPIC_BY_PAYLOAD, TOPICS, Topic


class PoisonMessage(Exception):
    """A message that can never be processed: it goes to the DLQ, never retried."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def topic_of(payload: BaseModel) -> Topic:
    return TOPIC_BY_PAYLOAD[type(payload)]


def envelope_for(
    payload: BaseModel,
    *,
    team_id: uuid.UUID,
    correlation_id: str,
    campaign_id: uuid.UUID | None = None,
    causation: Envelope[Any] | None = None,
) -> Envelope[Any]:
    topic = topic_of(payload)
    if campaign_id is None:
        campaign_id = getattr(payload, "campaign_id", None)
    return Envelope[topic.payload](  # type: ignore[name-defined]
        event_type=topic.name,
        schema_version=topic.current_version,
        team_id=team_id,
        campaign_id=campaign_id,
        correlation_id=correlation_id,
        causation_id=causation.event_id if causation else None,
        payload=payload,
    )


def message_key(envelope: Envelope[Any]) -> bytes:
    topic = TOPICS[envelope.event_type]
    source = envelope if topic.key == "team_id" else envelope.payload
    return str(getattr(source, topic.key)).encode()


def encode(envelope: Envelope[Any]) -> bytes:
    return envelope.model_dump_json().encode()


def decode(topic_name: str, body: bytes) -> Envelope[Any]:
    """Parse and validate a message of ``topic_name``; raise PoisonMessage if it never can be."""
    topic = TOPICS[topic_name]
    try:
        raw = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PoisonMessage("not_json", str(exc)) from exc
    if not isinstance(raw, dict):
        raise PoisonMessage("not_an_envelope", f"expected a JSON object, got {type(raw).__name__}")
    version = raw.get("schema_version")
    if version not in topic.versions:
        raise PoisonMessage(
            "unknown_schema_version",
            f"schema_version {version!r} not in accepted {sorted(topic.versions)}",
        )
    if raw.get("event_type") != topic.name:
        raise PoisonMessage(
            "wrong_event_type", f"event_type {raw.get('event_type')!r} on topic {topic.name!r}"
        )
    try:
        return Envelope[topic.payload].model_validate(raw)  # type: ignore[name-defined]
    except ValidationError as exc:
        fields = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise PoisonMessage("contract_violation", fields) from exc

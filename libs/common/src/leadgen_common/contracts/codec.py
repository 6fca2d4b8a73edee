"""Encoding and decoding envelopes, with the errors that send a message to its DLQ."""

from __future__ import annotations

import functools
import json
import uuid
from typing import Any

from pydantic import BaseModel, ValidationError

from .envelope import Envelope
from .ids import NAMESPACE
from .topics import TOPIC_BY_PAYLOAD, TOPICS, Topic


class PoisonMessage(Exception):
    """A message that can never be processed: it goes to the DLQ, never retried."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def topic_of(payload: BaseModel) -> Topic:
    return TOPIC_BY_PAYLOAD[type(payload)]


@functools.cache
def envelope_type(payload: type[BaseModel]) -> type[Envelope[Any]]:
    """``Envelope[payload]``, built once. pydantic caches parametrized generics only
    weakly, so an unreferenced ``Envelope[X]`` is garbage and rebuilt (about a
    millisecond of schema building) on the next message."""
    return Envelope[payload]  # type: ignore[valid-type]


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
    return envelope_type(topic.payload)(
        event_type=topic.name,
        schema_version=topic.current_version,
        team_id=team_id,
        campaign_id=campaign_id,
        correlation_id=correlation_id,
        causation_id=causation.event_id if causation else None,
        payload=payload,
    )


def reaction_to(incoming: Envelope[Any], payload: BaseModel) -> Envelope[Any]:
    """The one event a consumer publishes in reaction to ``incoming``: same team and
    correlation, caused by it, and an event id derived from the incoming event's (UUIDv5
    of the new topic and that id). Handling a redelivered message again (after a crash
    before the offset commit) therefore republishes the same event id, which consumers
    deduplicate; a random id would make every redelivery a new event."""
    envelope = envelope_for(
        payload,
        team_id=incoming.team_id,
        correlation_id=incoming.correlation_id,
        causation=incoming,
    )
    event_id = uuid.uuid5(NAMESPACE, f"{envelope.event_type}:{incoming.event_id}")
    return envelope.model_copy(update={"event_id": event_id})


def message_key(envelope: Envelope[Any]) -> bytes:
    topic = TOPICS[envelope.event_type]
    source = envelope if topic.key == "team_id" else envelope.payload
    return str(getattr(source, topic.key)).encode()


def encode(envelope: Envelope[Any]) -> bytes:
    return envelope.model_dump_json().encode()


def refuse_constant(name: str) -> Any:
    """``json.loads(..., parse_constant=refuse_constant)``: NaN and Infinity are not JSON."""
    raise ValueError(f"{name} is not a JSON number")


def unstorable_text(raw: Any) -> str | None:
    """Path of the first string (key or value) no consumer can store: Postgres text and
    jsonb refuse NUL, and UTF-8 has no unpaired surrogates. Iterative, so no depth the
    JSON parser accepted can overflow the stack here."""
    todo: list[tuple[str, Any]] = [("", raw)]
    while todo:
        path, value = todo.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                if not _storable(key):
                    return child
                todo.append((child, item))
        elif isinstance(value, list):
            todo.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
        elif isinstance(value, str) and not _storable(value):
            return path or "body"
    return None


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def decode(topic_name: str, body: bytes) -> Envelope[Any]:
    """Parse and validate a message of ``topic_name``; raise PoisonMessage if it never can be."""
    topic = TOPICS[topic_name]
    try:
        raw = json.loads(body, parse_constant=refuse_constant)
    except (ValueError, TypeError, RecursionError) as exc:
        # ValueError: bad JSON, bad UTF-8, NaN/Infinity, an integer of over 4,300 digits;
        # TypeError: no body at all; RecursionError: nesting deeper than the parser goes.
        raise PoisonMessage("not_json", f"{type(exc).__name__}: {exc}"[:500]) from exc
    if not isinstance(raw, dict):
        raise PoisonMessage("not_an_envelope", f"expected a JSON object, got {type(raw).__name__}")
    unstorable = unstorable_text(raw)
    if unstorable is not None:
        raise PoisonMessage(
            "contract_violation",
            f"{unstorable}: text with a NUL character or an unpaired surrogate",
        )
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
        return envelope_type(topic.payload).model_validate(raw)
    except ValidationError as exc:
        fields = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise PoisonMessage("contract_violation", fields) from exc

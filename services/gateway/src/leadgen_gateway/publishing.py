"""Publishing a command or event for a request: bounded in time, 503 when the broker fails."""

from __future__ import annotations

import asyncio
import logging
import uuid

from leadgen_common.contracts import encode, envelope_for
from leadgen_common.kafka import EventTooLarge
from pydantic import BaseModel

from .deps import Gateway
from .errors import ApiError

logger = logging.getLogger(__name__)


def ensure_publishable(
    gw: Gateway, payload: BaseModel, *, team_id: uuid.UUID, correlation_id: str
) -> None:
    """413 before anything is written, when the event would be larger than consumers
    accept (ids of the same length as the real ones give the same size)."""
    envelope = envelope_for(payload, team_id=team_id, correlation_id=correlation_id)
    size = len(encode(envelope))
    if size > gw.settings.max_event_bytes:
        raise _too_large(EventTooLarge(envelope.event_type, size, gw.settings.max_event_bytes))


def _too_large(exc: EventTooLarge) -> ApiError:
    return ApiError(
        413,
        "payload_too_large",
        f"the request makes a {exc.size}-byte event; the most is {exc.limit} bytes",
    )


async def publish(
    gw: Gateway, payload: BaseModel, *, team_id: uuid.UUID, correlation_id: str
) -> None:
    """Hand ``payload`` to the broker (acks=all) or raise an ApiError: 413 when the event
    would be larger than consumers accept, 503 when the broker does not take it."""
    envelope = envelope_for(payload, team_id=team_id, correlation_id=correlation_id)
    try:
        async with asyncio.timeout(gw.settings.publish_timeout_s):
            await gw.bus.publish(envelope)
    except EventTooLarge as exc:  # consumers would dead-letter it: the request is too big
        raise _too_large(exc) from exc
    except Exception as exc:  # any broker failure means the command was not taken
        logger.warning("publishing %s failed: %r", envelope.event_type, exc)
        raise ApiError(
            503, "broker_unavailable", "the event broker did not take the request; try again"
        ) from exc


def request_correlation_id(request_id: str | None) -> str:
    """The caller's X-Request-ID when it is usable, else a fresh id for this request."""
    if request_id and 0 < len(request_id) <= 128:
        return request_id
    return str(uuid.uuid4())

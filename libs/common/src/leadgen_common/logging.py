"""JSON log lines with correlation, team, campaign and prospect ids (never personal data),
and the trace and span ids of the span current when the line was logged (logs to traces)."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
from pydantic import ValidationError

correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "correlation_id", default=None
)
campaign_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "campaign_id", default=None
)
prospect_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "prospect_id", default=None
)
event_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("event_id", default=None)
team_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("team_id", default=None)

_CONTEXT = {
    "correlation_id": correlation_id,
    "team_id": team_id,
    "campaign_id": campaign_id,
    "prospect_id": prospect_id,
    "event_id": event_id,
}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, var in _CONTEXT.items():
            value = var.get()
            if value is not None:
                line[key] = value
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            line["trace_id"] = trace.format_trace_id(span.trace_id)
            line["span_id"] = trace.format_span_id(span.span_id)
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            line.update(extra)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "uvicorn.access", "httpx"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def bind(**values: Any) -> None:
    """Set context ids for log lines of the current task."""
    for key, value in values.items():
        _CONTEXT[key].set(None if value is None else str(value))


def envelope_ids(envelope: Any) -> dict[str, Any]:
    """The ids an event's log lines carry (all of them ids, none personal)."""
    return {
        "correlation_id": envelope.correlation_id,
        "team_id": envelope.team_id,
        "campaign_id": envelope.campaign_id,
        "prospect_id": getattr(envelope.payload, "prospect_id", None),
        "event_id": envelope.event_id,
    }


@contextmanager
def bound(**values: Any) -> Iterator[None]:
    """Like :func:`bind`, for a block only: the previous ids are back after it."""
    tokens = [
        (_CONTEXT[key], _CONTEXT[key].set(None if v is None else str(v)))
        for key, v in values.items()
    ]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def describe_error(exc: BaseException) -> str:
    """An exception as a log line may carry it: its type, and for a validation error where
    and how it failed — never the input (a platform's or provider's answer is personal
    data: names, profile URLs, emails; pydantic's own message quotes the input)."""
    if isinstance(exc, ValidationError):
        places = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '(root)'}: {error['type']}"
            for error in exc.errors(include_url=False, include_input=False)
        )
        return f"ValidationError ({places})"
    return type(exc).__name__

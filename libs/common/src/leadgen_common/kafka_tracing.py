"""Trace context across Kafka, after the OpenTelemetry messaging conventions.

Every publish is a ``send <topic>`` span (kind PRODUCER) whose context goes into the
record's headers as W3C ``traceparent`` / ``tracestate``; every consumed record is a
``process <topic>`` span (kind CONSUMER) whose parent is that header, so one trace runs
from the gateway's request through every service the event causes.

Batch subscribers keep one trace per message: each record of a batch gets its own
``process`` span (parent: its own ``traceparent``), and the batch's shared work runs under
a batch-level ``process`` span (``messaging.batch.message_count``) linked to them all.
An event published in reaction to a consumed one (its ``causation_id`` is the cause's
``event_id``: :func:`leadgen_common.contracts.reaction_to`) carries its cause's trace,
whatever span is current: :func:`parent_of` finds the cause's span by the contextvar
:data:`_causes`, filled while a handler runs. :func:`within` makes an envelope's span
current for per-message work inside a batch handler (enrichment's provider calls).

Work that leaves the handler keeps the context as data: discovery stores the
campaign's with its cursors, lead-writer each outbox row's in its headers
(:func:`carrier` / :func:`extract`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode

from . import logging as log_ctx

#: W3C trace-context header names (and tracestate's companion): replaced, never copied,
#: when a message is republished under a new producer span.
TRACE_HEADERS = ("traceparent", "tracestate")

TRACER = trace.get_tracer("leadgen_common.kafka")

#: While a handler runs: each consumed envelope's event id -> the context of its
#: ``process`` span (the parent of whatever is published in reaction to it).
_causes: ContextVar[Mapping[uuid.UUID, Context]] = ContextVar(
    "leadgen_trace_causes", default=MappingProxyType({})
)


def record_headers(record: Any) -> dict[str, str]:
    """A consumed record's headers as text (aiokafka gives ``(name, bytes)`` pairs)."""
    return {
        name: value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        for name, value in (getattr(record, "headers", None) or ())
    }


def extract(headers: Mapping[str, str] | None) -> Context:
    """The trace context a carrier (record headers, a stored dict) holds."""
    return propagate.extract(dict(headers or {}))


def carrier(context: Context | None = None) -> dict[str, str]:
    """``context`` (default: the current one) as W3C headers, to store or send."""
    headers: dict[str, str] = {}
    propagate.inject(headers, context=context)
    return headers


def parent_of(envelope: Any) -> Context | None:
    """The context of the consumed event that caused ``envelope``, if it is being handled
    now; None means the current context."""
    cause = getattr(envelope, "causation_id", None)
    return _causes.get().get(cause) if cause is not None else None


def _common(operation: str, topic: str) -> dict[str, Any]:
    return {
        "messaging.system": "kafka",
        "messaging.operation.type": operation,
        "messaging.operation.name": operation,
        "messaging.destination.name": topic,
    }


def _record_attributes(topic: str, group: str, record: Any) -> dict[str, Any]:
    attributes = {**_common("process", topic), "messaging.consumer.group.name": group}
    partition, offset = getattr(record, "partition", None), getattr(record, "offset", None)
    if partition is not None:
        attributes["messaging.destination.partition.id"] = str(partition)
    if offset is not None:
        attributes["messaging.kafka.offset"] = offset
    key = getattr(record, "key", None)
    if key is not None:
        attributes["messaging.kafka.message.key"] = (
            key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)
        )
    value = getattr(record, "value", None)
    if value is not None:
        attributes["messaging.message.body.size"] = len(value)
    return attributes


def identify(span: Span, envelope: Any) -> None:
    """Name the decoded message on its span (``messaging.message.id`` = event id)."""
    span.set_attribute("messaging.message.id", str(envelope.event_id))


def failed(span: Span, reason: str) -> None:
    span.set_status(Status(StatusCode.ERROR, reason))


@contextmanager
def processing(topic: str, group: str, record: Any) -> Iterator[Span]:
    """The ``process <topic>`` span of one record, current while it is handled; its
    parent is the record's own trace context."""
    with TRACER.start_as_current_span(
        f"process {topic}",
        context=extract(record_headers(record)),
        kind=SpanKind.CONSUMER,
        attributes=_record_attributes(topic, group, record),
    ) as span:
        yield span


class BatchSpans:
    """One ``process`` span per record of a batch (not current: each is its message's
    trace), and :meth:`batch` for the work they share."""

    def __init__(self, topic: str, group: str, records: Sequence[Any]) -> None:
        self.topic = topic
        self.group = group
        self.parents = [extract(record_headers(record)) for record in records]
        self.spans = [
            TRACER.start_span(
                f"process {topic}",
                context=parent,
                kind=SpanKind.CONSUMER,
                attributes=_record_attributes(topic, group, record),
            )
            for parent, record in zip(self.parents, records, strict=True)
        ]

    def context(self, index: int) -> Context:
        return trace.set_span_in_context(self.spans[index])

    @contextmanager
    def batch(self, envelopes: Mapping[int, Any]) -> Iterator[Span]:
        """The batch-level ``process`` span, current, linked to each record's trace;
        ``envelopes`` (index -> decoded envelope) become causes for what is published."""
        links = [
            Link(span.get_span_context()) for span in self.spans if span.get_span_context().is_valid
        ]
        attributes = {
            **_common("process", self.topic),
            "messaging.consumer.group.name": self.group,
            "messaging.batch.message_count": len(self.spans),
        }
        with (
            causes({env.event_id: self.context(i) for i, env in envelopes.items()}),
            TRACER.start_as_current_span(
                f"process {self.topic}", kind=SpanKind.CONSUMER, links=links, attributes=attributes
            ) as span,
        ):
            yield span

    @contextmanager
    def alone(self, index: int, envelope: Any) -> Iterator[None]:
        """Record ``index`` handled by itself (a failed batch's replay): its span current."""
        with (
            causes({envelope.event_id: self.context(index)}),
            trace.use_span(self.spans[index], end_on_exit=False),
        ):
            yield

    def end(self) -> None:
        for span in self.spans:
            span.end()


@contextmanager
def causes(contexts: Mapping[uuid.UUID, Context]) -> Iterator[None]:
    """Within: events caused by these event ids continue the given contexts."""
    token = _causes.set({**_causes.get(), **contexts})
    try:
        yield
    finally:
        _causes.reset(token)


@contextmanager
def within(envelope: Any) -> Iterator[None]:
    """Per-message work inside a batch handler: the consumed ``envelope``'s ``process``
    span current (when it is one being handled) and its ids on log lines."""
    found = _causes.get().get(envelope.event_id)
    with log_ctx.bound(**log_ctx.envelope_ids(envelope)):
        if found is None:
            yield
            return
        token = otel_context.attach(found)
        try:
            yield
        finally:
            otel_context.detach(token)


@contextmanager
def sending(
    topic: str,
    *,
    key: bytes | None,
    event_id: Any,
    headers: Mapping[str, str],
    parent: Context | None = None,
    client_id: str | None = None,
) -> Iterator[dict[str, str]]:
    """The ``send <topic>`` span (child of ``parent``, default the current context) and
    the headers to publish: ``headers`` with this span's trace context in place of any."""
    attributes = {**_common("send", topic), "messaging.message.id": str(event_id)}
    if key is not None:
        attributes["messaging.kafka.message.key"] = key.decode("utf-8", "replace")
    if client_id:
        attributes["messaging.client.id"] = client_id
    with TRACER.start_as_current_span(
        f"send {topic}", context=parent, kind=SpanKind.PRODUCER, attributes=attributes
    ):
        out = {name: value for name, value in headers.items() if name not in TRACE_HEADERS}
        propagate.inject(out)
        yield out

"""Trace context through the EventBus: ``send``/``process`` spans after the messaging
conventions, ``traceparent`` in headers, and an event published in reaction to a consumed
one continuing its cause's trace, one trace per message even inside a batch."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Iterator

import pytest
from aiokafka.structs import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from leadgen_common import kafka_tracing
from leadgen_common.contracts import encode, envelope_for, reaction_to, team_id_for
from leadgen_common.contracts.events import ControlCampaign
from leadgen_common.kafka import EventBus
from leadgen_common.logging import JsonFormatter
from leadgen_common.settings import ServiceSettings
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

TOPIC = "campaign.control"


@pytest.fixture(scope="module")
def tracer_provider() -> TracerProvider:
    """The process's SDK provider (installed once: the global can be set only once)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    return provider


@pytest.fixture
def spans(tracer_provider: TracerProvider) -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    tracer_provider.add_span_processor(processor)
    yield exporter
    exporter.clear()
    exporter.shutdown()  # the processor stays registered, exporting nowhere


def control(label: str) -> object:
    return envelope_for(
        ControlCampaign(campaign_id=uuid.uuid4(), action="pause", requested_by=label),
        team_id=team_id_for("t"),
        correlation_id=label,
    )


def named(exporter: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [span for span in exporter.get_finished_spans() if span.name == name]


def record(body: bytes, offset: int, headers: dict[str, str]) -> ConsumerRecord:
    return ConsumerRecord(
        topic=TOPIC,
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=b"k",
        value=body,
        checksum=None,
        serialized_key_size=1,
        serialized_value_size=len(body),
        headers=[(name, value.encode()) for name, value in headers.items()],
    )


async def test_a_reaction_continues_the_trace_of_its_cause(spans: InMemorySpanExporter) -> None:
    bus = EventBus(ServiceSettings(service_name="test"))
    seen: list[dict] = []

    @bus.subscribe(TOPIC, group_id="g", ack_policy=AckPolicy.NACK_ON_ERROR)
    async def react(envelope) -> None:
        if envelope.payload.requested_by == "first":
            second = ControlCampaign(
                campaign_id=envelope.payload.campaign_id, action="resume", requested_by="second"
            )
            await bus.publish(reaction_to(envelope, second))

    @bus.broker.subscriber(TOPIC, group_id="reader")
    async def read(message: KafkaMessage) -> None:
        seen.append(message.headers)

    tracer = trace.get_tracer("test")
    first = control("first")
    async with TestKafkaBroker(bus.broker):
        with tracer.start_as_current_span("request") as request:
            await bus.publish(first)

    trace_id = request.get_span_context().trace_id
    sends, processes = named(spans, f"send {TOPIC}"), named(spans, f"process {TOPIC}")
    assert len(sends) == len(processes) == 2
    assert {span.context.trace_id for span in sends + processes} == {trace_id}
    first_send = next(
        s for s in sends if s.attributes["messaging.message.id"] == str(first.event_id)
    )
    first_process = next(s for s in processes if s.parent.span_id == first_send.context.span_id)
    reaction_send = next(s for s in sends if s is not first_send)
    assert first_send.parent.span_id == request.get_span_context().span_id
    assert reaction_send.parent.span_id == first_process.context.span_id
    assert (first_send.kind, first_process.kind) == (SpanKind.PRODUCER, SpanKind.CONSUMER)
    assert dict(first_process.attributes) | {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.destination.name": TOPIC,
        "messaging.consumer.group.name": "g",
        "messaging.message.id": str(first.event_id),
    } == dict(first_process.attributes)
    # Each record's traceparent is its send span's context.
    parents = {h["traceparent"].split("-")[2] for h in seen}
    assert parents == {trace.format_span_id(s.context.span_id) for s in sends}


async def test_each_message_of_a_batch_keeps_its_own_trace(spans: InMemorySpanExporter) -> None:
    """Two records from two traces in one batch: each gets its process span in its own
    trace, the reactions published from inside the batch handler continue their own
    cause's trace (not the batch span's), and per-message work can enter its trace."""
    bus = EventBus(ServiceSettings(service_name="test"))
    tracer = trace.get_tracer("test")
    causes = [control("a"), control("b")]
    producers = [tracer.start_span(f"produce {e.correlation_id}") for e in causes]
    records = [
        record(encode(envelope), offset, kafka_tracing.carrier(trace.set_span_in_context(span)))
        for offset, (envelope, span) in enumerate(zip(causes, producers, strict=True))
    ]
    inside: dict[str, int] = {}

    async def handle(batch) -> None:
        async def one(envelope) -> None:
            with kafka_tracing.within(envelope):
                inside[envelope.correlation_id] = (
                    trace.get_current_span().get_span_context().trace_id
                )
            payload = ControlCampaign(
                campaign_id=envelope.payload.campaign_id, action="resume", requested_by="r"
            )
            await bus.publish(reaction_to(envelope, payload))

        await asyncio.gather(*(one(envelope) for envelope in batch))

    async with TestKafkaBroker(bus.broker):
        outcomes = await bus._dispatch_batch(  # noqa: SLF001 - the records a fetch returns
            TOPIC, "g", [r.value for r in records], records, handle
        )
    assert outcomes == ["ok", "ok"]

    processes = named(spans, f"process {TOPIC}")
    [batch] = [s for s in processes if "messaging.batch.message_count" in s.attributes]
    per_message = [s for s in processes if s is not batch]
    assert batch.attributes["messaging.batch.message_count"] == 2
    assert {link.context.span_id for link in batch.links} == {
        s.context.span_id for s in per_message
    }
    for envelope, producer in zip(causes, producers, strict=True):
        trace_id = producer.get_span_context().trace_id
        [process] = [s for s in per_message if s.context.trace_id == trace_id]
        assert process.parent.span_id == producer.get_span_context().span_id
        assert process.attributes["messaging.message.id"] == str(envelope.event_id)
        [send] = [s for s in named(spans, f"send {TOPIC}") if s.context.trace_id == trace_id]
        assert send.parent.span_id == process.context.span_id
        assert inside[envelope.correlation_id] == trace_id
    assert batch.context.trace_id not in {p.get_span_context().trace_id for p in producers}


async def test_a_stored_trace_context_is_continued_by_publish_stored(
    spans: InMemorySpanExporter,
) -> None:
    """The outbox relay's path: the headers stored with a row name the parent; the record
    carries the new send span's context instead of the stored one."""
    bus = EventBus(ServiceSettings(service_name="test"))
    seen: list[dict] = []

    @bus.broker.subscriber(TOPIC, group_id="reader")
    async def read(message: KafkaMessage) -> None:
        seen.append(message.headers)

    stored_span = trace.get_tracer("test").start_span("handled earlier")
    stored = kafka_tracing.carrier(trace.set_span_in_context(stored_span))
    envelope = control("stored")
    async with TestKafkaBroker(bus.broker):
        await bus.publish_stored(
            TOPIC,
            encode(envelope),
            key=b"k",
            event_id=envelope.event_id,
            headers={"content-type": "application/json", **stored},
        )
    [send] = named(spans, f"send {TOPIC}")
    assert send.parent.span_id == stored_span.get_span_context().span_id
    assert send.context.trace_id == stored_span.get_span_context().trace_id
    [headers] = seen
    assert headers["traceparent"].split("-")[2] == trace.format_span_id(send.context.span_id)
    assert headers["content-type"] == "application/json"


class JsonLines(logging.Handler):
    """Lines formatted as they are logged (the formatter reads the ids from context)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter("test"))
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


async def test_log_lines_carry_the_trace_and_each_messages_ids(
    spans: InMemorySpanExporter,
) -> None:
    """A line logged while a message of a batch is worked on names its trace and span,
    its prospect and team; a line of the batch itself names only what its messages share,
    never an earlier message's ids."""
    bus = EventBus(ServiceSettings(service_name="test"))
    log, captured = logging.getLogger("test.batch"), JsonLines()
    log.addHandler(captured)
    causes = [control("a"), control("b"), control("c")]
    records = [record(encode(e), offset, {}) for offset, e in enumerate(causes)]

    async def handle(batch) -> None:
        log.warning("batch")
        for envelope in batch:
            with kafka_tracing.within(envelope):
                log.warning("one")

    try:
        async with TestKafkaBroker(bus.broker):
            await bus._dispatch_batch(  # noqa: SLF001 - the records a fetch returns
                TOPIC, "g", [r.value for r in records[:2]], records[:2], handle
            )
            await bus._dispatch_batch(TOPIC, "g", [records[2].value], records[2:], handle)  # noqa: SLF001
    finally:
        log.removeHandler(captured)
    batch, first, second, alone_batch, _ = captured.lines
    processes = {
        s.attributes["messaging.message.id"]: s
        for s in named(spans, f"process {TOPIC}")
        if "messaging.message.id" in s.attributes
    }
    for line, envelope in ((first, causes[0]), (second, causes[1])):
        span = processes[str(envelope.event_id)]
        assert line["trace_id"] == trace.format_trace_id(span.context.trace_id)
        assert line["span_id"] == trace.format_span_id(span.context.span_id)
        assert line["event_id"] == str(envelope.event_id)
        assert line["team_id"] == str(envelope.team_id)
        assert line["correlation_id"] == envelope.correlation_id
    assert batch["team_id"] == str(causes[0].team_id)  # shared by both
    assert "correlation_id" not in batch and "event_id" not in batch  # not shared
    assert alone_batch["event_id"] == str(causes[2].event_id)  # a batch of one: its own
    assert alone_batch["trace_id"] != first["trace_id"]  # the batch span, not a message's

"""OpenTelemetry tracing of a service: the tracer provider, its exporters, and the
instrumentation of FastAPI, httpx and SQLAlchemy (Kafka is traced by the event bus
itself: :mod:`leadgen_common.kafka_tracing`).

Configured by the standard ``OTEL_*`` variables, read by the SDK (``OTEL_SDK_DISABLED``,
``OTEL_TRACES_EXPORTER``, ``OTEL_EXPORTER_OTLP_ENDPOINT`` /
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``, ``OTEL_EXPORTER_OTLP_HEADERS``,
``OTEL_TRACES_SAMPLER`` / ``_ARG``, ``OTEL_SERVICE_NAME``, ``OTEL_RESOURCE_ATTRIBUTES``,
``OTEL_BSP_*``), plus ``TRACES_FILE`` (one JSON line per finished span: tests, debugging).

Unlike the SDK's own default (``otlp``), nothing is exported unless something is
configured: an exporter named in ``OTEL_TRACES_EXPORTER``, an OTLP endpoint, or
``TRACES_FILE``. Then no provider is installed at all, so the embedded stack, which sets
none of them, pays only for the API's no-op spans.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import (
    SERVICE_NAME,
    SERVICE_VERSION,
    OTELResourceDetector,
    Resource,
)
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
    SpanExportResult,
)

from .settings import ServiceSettings

logger = logging.getLogger(__name__)

#: How soon the file exporter writes finished spans (a test or a human tails the file).
FILE_FLUSH_MS = 500
#: Requests that would only be noise in a trace (probes and scrapes).
EXCLUDED_URLS = "/healthz,/readyz,/metrics"

_provider: TracerProvider | None = None


class TracingConfigError(ValueError):
    """An ``OTEL_*`` value this service cannot honour (named in the message)."""


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def exporter_names(env: dict[str, str] | os._Environ[str] = os.environ) -> list[str]:
    """The exporters ``OTEL_TRACES_EXPORTER`` names, or ``otlp`` when only an endpoint is
    set; ``none`` (or nothing configured) means none."""
    named = [n.strip() for n in env.get("OTEL_TRACES_EXPORTER", "").split(",") if n.strip()]
    if not named and (
        env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    ):
        named = ["otlp"]
    return [name for name in named if name != "none"]


def _exporter(name: str) -> SpanExporter:
    if name == "console":
        return ConsoleSpanExporter()
    if name != "otlp":
        raise TracingConfigError(
            f"OTEL_TRACES_EXPORTER={name!r} is not supported; use otlp, console or none"
        )
    protocol = os.environ.get(
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
    )
    if protocol not in (None, "", "http/protobuf"):
        raise TracingConfigError(
            f"OTLP protocol {protocol!r} is not supported; leadgen exports http/protobuf"
        )
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


def _version(service: str) -> str:
    for package in (f"leadgen-{service}", "leadgen-common"):
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return "unknown"


def resource_for(service: str) -> Resource:
    """``service.name`` ``leadgen-<service>`` and its version, unless ``OTEL_SERVICE_NAME``
    or ``OTEL_RESOURCE_ATTRIBUTES`` say otherwise."""
    ours = Resource({SERVICE_NAME: f"leadgen-{service}", SERVICE_VERSION: _version(service)})
    return ours.merge(OTELResourceDetector().detect())


class JsonLinesSpanExporter(SpanExporter):
    """One JSON object per finished span, appended to a file: ids in W3C hex, the
    service, kind, name, attributes, links and times (ns since the epoch)."""

    def __init__(self, path: Path, service: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.service = service
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = "".join(json.dumps(self.line(span), default=str) + "\n" for span in spans)
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(lines)
        return SpanExportResult.SUCCESS

    def line(self, span: ReadableSpan) -> dict[str, Any]:
        context = span.get_span_context()
        parent = span.parent
        return {
            "trace_id": trace.format_trace_id(context.trace_id) if context else None,
            "span_id": trace.format_span_id(context.span_id) if context else None,
            "parent_span_id": trace.format_span_id(parent.span_id) if parent else None,
            "parent_remote": parent.is_remote if parent else None,
            "name": span.name,
            "kind": span.kind.name,
            "service": span.resource.attributes.get(SERVICE_NAME, self.service),
            "status": span.status.status_code.name,
            "attributes": dict(span.attributes or {}),
            "links": [
                {
                    "trace_id": trace.format_trace_id(link.context.trace_id),
                    "span_id": trace.format_span_id(link.context.span_id),
                }
                for link in span.links
            ],
            "start": span.start_time,
            "end": span.end_time,
        }

    def shutdown(self) -> None:
        return None


def configure_tracing(settings: ServiceSettings) -> TracerProvider | None:
    """Install the tracer provider and the HTTP client and database instrumentation, once
    per process; None (nothing installed) when tracing is disabled or nothing exports."""
    global _provider
    if _provider is not None:
        return _provider
    if _truthy(os.environ.get("OTEL_SDK_DISABLED")):
        return None
    exporters = [_exporter(name) for name in exporter_names()]
    if not exporters and settings.traces_file is None:
        return None
    provider = TracerProvider(resource=resource_for(settings.service_name))
    for exporter in exporters:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    if settings.traces_file is not None:
        file_exporter = JsonLinesSpanExporter(settings.traces_file, settings.service_name)
        provider.add_span_processor(
            BatchSpanProcessor(file_exporter, schedule_delay_millis=FILE_FLUSH_MS)
        )
    trace.set_tracer_provider(provider)
    _instrument_clients(provider)
    _provider = provider
    logger.info(
        "tracing on: %s",
        ", ".join(exporter_names() + (["file"] if settings.traces_file else [])),
    )
    return provider


def _instrument_clients(provider: TracerProvider) -> None:
    """httpx (platform and provider APIs) and SQLAlchemy engines made from now on (every
    engine comes from :func:`leadgen_common.db.engine.make_engine`). One database
    instrumentation only: asyncpg's as well would double every query's span."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    HTTPXClientInstrumentor().instrument(
        tracer_provider=provider,
        request_hook=_without_query,
        async_request_hook=_async_without_query,
    )
    # Its declared range stops below SQLAlchemy 2.1, which changed nothing it hooks (engine
    # events, create_async_engine); without the skip it would instrument nothing.
    SQLAlchemyInstrumentor().instrument(tracer_provider=provider, skip_dep_check=True)


#: Where the HTTP client instrumentation puts the request URL (old and new conventions).
_URL_ATTRIBUTES = ("http.url", "url.full")


def _without_query(span: Any, request: Any) -> None:
    """Client spans name the URL without its query: provider lookups send names, emails and
    API keys as query parameters, and a span is no place for personal data or secrets."""
    if span is None or not span.is_recording():
        return
    url = request.url
    bare = str(url.copy_with(query=None, fragment=None)) if hasattr(url, "copy_with") else None
    if bare is None:
        bare = str(url).split("?", 1)[0].split("#", 1)[0]
    for name in _URL_ATTRIBUTES:
        if span.attributes is not None and name in span.attributes:
            span.set_attribute(name, bare)


async def _async_without_query(span: Any, request: Any) -> None:
    _without_query(span, request)


def instrument_app(app: Any) -> None:
    """Server spans for a FastAPI app (its route template as the span name), when tracing
    is on; probes and /metrics are left out."""
    if _provider is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=_provider,
        excluded_urls=EXCLUDED_URLS,
        exclude_spans=["receive", "send"],
    )


def enabled() -> bool:
    return _provider is not None

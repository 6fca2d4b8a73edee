"""Tracing configuration: which exporters the OTEL_* variables name, what is refused,
the service's resource, the JSON-lines file exporter and URLs without their query."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from leadgen_common import telemetry
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({}, []),  # nothing configured: no exporter (the SDK would default to otlp)
        ({"OTEL_TRACES_EXPORTER": "none"}, []),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, ["otlp"]),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, ["otlp"]),
        ({"OTEL_TRACES_EXPORTER": "otlp, console"}, ["otlp", "console"]),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c"}, []),
    ],
)
def test_exporters_are_the_ones_configured(env: dict[str, str], names: list[str]) -> None:
    assert telemetry.exporter_names(env) == names


def test_an_exporter_or_protocol_it_cannot_honour_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(telemetry.TracingConfigError, match="zipkin"):
        telemetry._exporter("zipkin")  # noqa: SLF001
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    with pytest.raises(telemetry.TracingConfigError, match="grpc"):
        telemetry._exporter("otlp")  # noqa: SLF001


def test_the_service_is_named_leadgen_service_unless_otel_service_name_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)
    attributes = telemetry.resource_for("lead-writer").attributes
    assert attributes["service.name"] == "leadgen-lead-writer"
    assert attributes["service.version"]
    monkeypatch.setenv("OTEL_SERVICE_NAME", "lw-canary")
    assert telemetry.resource_for("lead-writer").attributes["service.name"] == "lw-canary"


def test_the_file_exporter_writes_one_json_line_per_span(tmp_path: Path) -> None:
    path = tmp_path / "traces" / "svc.jsonl"
    provider = TracerProvider(resource=telemetry.resource_for("svc"))
    provider.add_span_processor(SimpleSpanProcessor(telemetry.JsonLinesSpanExporter(path, "svc")))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("parent") as parent:
        with tracer.start_as_current_span("send t", kind=SpanKind.PRODUCER, attributes={"a": 1}):
            pass
    child, root = (json.loads(line) for line in path.read_text().splitlines())
    assert (child["name"], child["kind"], child["attributes"]) == ("send t", "PRODUCER", {"a": 1})
    assert child["trace_id"] == root["trace_id"] == f"{parent.get_span_context().trace_id:032x}"
    assert child["parent_span_id"] == root["span_id"] and root["parent_span_id"] is None
    assert child["service"] == "leadgen-svc" and child["start"] <= child["end"]


def test_client_spans_name_the_url_without_its_query() -> None:
    provider = TracerProvider()
    span = provider.get_tracer("test").start_span(
        "GET", attributes={"http.url": "https://p.example/find?email=jane%40x.io&api_key=k"}
    )
    request = httpx.Request("GET", "https://p.example/find", params={"email": "jane@x.io"})
    telemetry._without_query(span, request)  # noqa: SLF001
    span.end()
    assert span.attributes["http.url"] == "https://p.example/find"

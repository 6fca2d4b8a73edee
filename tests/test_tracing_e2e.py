"""One trace from ``POST /campaigns`` to ``lead.created``, through the real stack.

The session stack records the spans of sampled traces as JSON lines
(``LEADGEN_TRACES_DIR``, ``OTEL_TRACES_SAMPLER=parentbased_always_off``: tests/conftest.py),
so this test samples its own: it starts a small autoConvert campaign with a sampled W3C
``traceparent`` of its choosing, then follows one lead back from the ``traceparent`` of
its ``lead.created`` record, span by span, to the gateway's request.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from leadgen_common.testing.e2e import Api, campaign_events, sample_icp, wait_for

pytestmark = pytest.mark.stack

SERVICES = ("gateway", "discovery", "enrichment", "scoring", "lead-writer")

#: From lead.created back to the request: (service, span name, kind), each span the
#: parent of the one before it.
CHAIN = [
    ("lead-writer", "send lead.created", "PRODUCER"),
    ("lead-writer", "process prospect.scored", "CONSUMER"),
    ("scoring", "send prospect.scored", "PRODUCER"),
    ("scoring", "process prospect.enriched", "CONSUMER"),
    ("enrichment", "send prospect.enriched", "PRODUCER"),
    ("enrichment", "process prospect.discovered", "CONSUMER"),
    ("discovery", "send prospect.discovered", "PRODUCER"),
    ("discovery", "process campaign.started", "CONSUMER"),
    ("gateway", "send campaign.started", "PRODUCER"),
    ("gateway", "POST /api/v1/prospecting/campaigns", "SERVER"),
]


def spans_of(traces: Path, trace_id: str) -> list[dict[str, Any]]:
    return [
        span
        for path in sorted(traces.glob("*.jsonl"))
        for span in map(json.loads, path.read_text().splitlines())
        if span["trace_id"] == trace_id
    ]


def ancestry(spans: list[dict[str, Any]], leaf: dict[str, Any]) -> Iterator[dict[str, Any]]:
    by_id = {span["span_id"]: span for span in spans}
    span: dict[str, Any] | None = leaf
    while span is not None:
        yield span
        span = by_id.get(span["parent_span_id"])


def header(record: Any, name: str) -> str:
    return next(value.decode() for key, value in record.headers if key == name)


async def test_one_prospect_is_one_trace_from_post_campaigns_to_lead_created(
    stack: dict[str, str], stack_home: Path, mint_token: Any
) -> None:
    traces = stack_home / "traces"
    client_trace, client_span = secrets.token_hex(16), secrets.token_hex(8)
    api = Api(stack["GATEWAY_URL"], mint_token("tracing-e2e", "admin"))
    try:
        icp_id = (await api.ok("POST", "/icps", 201, json=sample_icp()))["id"]
        api.http.headers["traceparent"] = f"00-{client_trace}-{client_span}-01"
        campaign_id = await api.start_campaign(3, icp_id=icp_id)
        del api.http.headers["traceparent"]
        assert (await api.wait_status(campaign_id))["status"] == "completed"
    finally:
        await api.close()
    record, lead = (
        await campaign_events(stack["KAFKA_BOOTSTRAP_SERVERS"], "lead.created", campaign_id)
    )[0]
    prospect_id = lead["payload"]["prospect_id"]
    version, trace_id, parent_id, flags = header(record, "traceparent").split("-")
    assert (version, trace_id) == ("00", client_trace)  # the request's trace, all the way
    assert int(flags, 16) & 1  # sampled

    async def whole_chain() -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
        """The trace's spans once the lead's chain and every span's parent were written
        (each service's file exporter writes every 0.5 s, children often first)."""
        spans = spans_of(traces, trace_id)
        leaf = next((s for s in spans if s["span_id"] == parent_id), None)
        chain = list(ancestry(spans, leaf)) if leaf else []
        span_ids = {s["span_id"] for s in spans}
        orphans = [s for s in spans if s["parent_span_id"] not in span_ids]
        return (spans, chain) if len(chain) == len(CHAIN) and len(orphans) == 1 else None

    spans, chain = await wait_for(whole_chain, seconds=20)

    # The record's traceparent is lead-writer's send span; its ancestors, in order, are
    # the pipeline's hops back to the gateway's request, the root of everything the stack
    # recorded in this trace (its own parent is the client's span).
    assert [(s["service"], s["name"], s["kind"]) for s in chain] == [
        (f"leadgen-{service}", name, kind) for service, name, kind in CHAIN
    ]
    request = chain[-1]
    assert (request["parent_span_id"], request["parent_remote"]) == (client_span, True)
    span_ids = {s["span_id"] for s in spans}
    assert [s for s in spans if s["parent_span_id"] not in span_ids] == [request]
    assert {s["service"] for s in spans} >= {f"leadgen-{service}" for service in SERVICES}

    # Messaging conventions on every Kafka hop; this prospect's hops are keyed by it.
    for span in chain[:-1]:
        attributes, operation = span["attributes"], span["name"].split(" ")[0]
        topic = span["name"].split(" ")[1]
        assert attributes["messaging.system"] == "kafka"
        assert attributes["messaging.operation.type"] == operation
        assert attributes["messaging.operation.name"] == operation
        assert attributes["messaging.destination.name"] == topic
        assert attributes["messaging.message.id"]
        if topic.startswith("prospect."):
            assert attributes["messaging.kafka.message.key"] == prospect_id
        if operation == "process":
            assert attributes["messaging.consumer.group.name"]
            assert "messaging.destination.partition.id" in attributes
            assert isinstance(attributes["messaging.kafka.offset"], int)
    assert chain[0]["attributes"]["messaging.message.id"] == lead["event_id"]
    assert chain[-2]["attributes"]["messaging.kafka.message.key"] == campaign_id

    # Work beside the hops is in the same trace: the platform search (discovery's paging
    # loop, outside any handler), this prospect's provider calls, the database.
    def children(parent: dict[str, Any], kind: str) -> list[dict[str, Any]]:
        return [s for s in spans if s["parent_span_id"] == parent["span_id"] and s["kind"] == kind]

    discovering, enriching = chain[7], chain[5]
    for caller in (discovering, enriching):
        http = [s["attributes"] for s in children(caller, "CLIENT")]
        urls = [a.get("http.url") or a.get("url.full") for a in http if "http.method" in a]
        assert urls and all(url and "?" not in url for url in urls), urls  # no query: no PII
    database = [s for s in spans if s["service"] == "leadgen-lead-writer" and s["kind"] == "CLIENT"]
    assert any(s["attributes"].get("db.system") == "postgresql" for s in database), database[:3]

    # Log lines logged under a span carry its trace id (logs to traces).
    logged = [
        json.loads(line)
        for line in (stack_home / "logs" / "discovery.log").read_text().splitlines()
        if line.startswith("{")
    ]
    assert any(
        line.get("trace_id") == trace_id and line.get("campaign_id") == campaign_id
        for line in logged
    )

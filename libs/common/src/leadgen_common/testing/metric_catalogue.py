"""The metric catalogue: every Prometheus family the services expose, once, in code.

The stack test scrapes each service's /metrics and checks its families against
:func:`families_of`; the dashboards' and alert rules' test checks that every series they
name is in :func:`series_names`; the README's metrics table is :func:`markdown_table`.
Names are as exposed (counters with ``_total``); Prometheus adds the ``job``/``instance``
target labels, so no family has a ``service`` label but ``leadgen_build_info``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["counter", "gauge", "histogram"]

GATEWAY, DISCOVERY, ENRICHMENT, SCORING, LEAD_WRITER, WEBHOOKS = (
    "gateway",
    "discovery",
    "enrichment",
    "scoring",
    "lead-writer",
    "webhooks",
)
SERVICES = (GATEWAY, DISCOVERY, ENRICHMENT, SCORING, LEAD_WRITER, WEBHOOKS)
CONSUMERS = (DISCOVERY, ENRICHMENT, SCORING, LEAD_WRITER, WEBHOOKS)
LIMITED = (DISCOVERY, ENRICHMENT)


@dataclass(frozen=True)
class Family:
    name: str
    """As exposed: a counter's name ends in ``_total``."""
    kind: Kind
    labels: tuple[str, ...]
    services: tuple[str, ...]
    """The services whose /metrics has it with samples once they did the work it counts."""
    meaning: str

    @property
    def family_name(self) -> str:
        """The name prometheus_client's parser gives the family (``_total`` stripped)."""
        return self.name.removesuffix("_total") if self.kind == "counter" else self.name

    def series(self) -> tuple[str, ...]:
        """The series names a query can use."""
        if self.kind == "histogram":
            return tuple(f"{self.name}_{part}" for part in ("bucket", "sum", "count"))
        return (self.name,)


CATALOGUE: tuple[Family, ...] = (
    # ---------------------------------------------------------------- every service
    Family("leadgen_http_requests_total", "counter", ("method", "route", "status"), SERVICES,
           "HTTP requests by method, route template (`unmatched`: no route) and status code; "
           "/metrics, /healthz, /readyz not counted."),
    Family("leadgen_http_request_duration_seconds", "histogram", ("method", "route"), SERVICES,
           "Time to answer an HTTP request, by method and route template."),
    Family("leadgen_build_info", "gauge", ("service", "version"), SERVICES,
           "Always 1: which service runs which package version."),
    Family("leadgen_messages_published_total", "counter", ("topic",), SERVICES,
           "Events published, by topic."),
    # ---------------------------------------------------------------- every consumer
    Family("leadgen_messages_consumed_total", "counter", ("topic", "group", "outcome"),
           CONSUMERS, "Messages taken off a topic, by outcome: ok, retried, dead_lettered "
           "(subscriber rate and errors)."),
    Family("leadgen_handler_duration_seconds", "histogram", ("topic", "group"), CONSUMERS,
           "Time a subscriber spent on one message (or batch), retries included."),
    Family("leadgen_dead_letters_total", "counter", ("topic", "reason"), CONSUMERS,
           "Messages sent to `<topic>.dlq`, by reason."),
    Family("leadgen_dependency_waits_total", "counter", ("topic", "group"), CONSUMERS,
           "Handler runs retried, uncounted, because Postgres or Redis was unreachable."),
    Family("leadgen_consumer_lag", "gauge", ("group", "topic"), CONSUMERS,
           "Messages the group has not committed yet (sum over partitions; replicas report "
           "the same group: `max by (group, topic)`), read every `LAG_INTERVAL_S`."),
    Family("leadgen_consumer_lag_updated_timestamp_seconds", "gauge", ("group", "topic"),
           CONSUMERS, "Unix time of the last successful lag read."),
    # ---------------------------------------------------------------- rate limiter
    Family("rate_limit_wait_seconds", "histogram", ("bucket",), LIMITED,
           "Time a caller waited for a token of the shared limiter."),
    Family("rate_limit_tokens_remaining", "gauge", ("bucket",), LIMITED,
           "Calls a bucket admits now, as of this process's latest decision on it."),
    Family("rate_limit_decisions_total", "counter", ("bucket", "outcome"), LIMITED,
           "Limiter decisions: allowed, denied, denied_by_cap."),
    # ---------------------------------------------------------------- discovery
    Family("prospects_discovered_total", "counter", ("platform",), (DISCOVERY,),
           "prospect.discovered published, by platform."),
    Family("prospects_suppressed_total", "counter", ("platform",), (DISCOVERY,),
           "People found but withheld: their team's suppression list names them."),
    Family("platform_api_calls_total", "counter", ("platform", "operation", "outcome"),
           (DISCOVERY,), "Platform API requests by outcome: ok, rate_limited, server_error, "
           "timeout, error."),
    Family("discovery_campaigns_paging", "gauge", (), (DISCOVERY,),
           "Campaigns this replica holds the lease of and pages."),
    # ---------------------------------------------------------------- enrichment
    Family("leadgen_enrichment_provider_calls_total", "counter",
           ("provider", "operation", "status"), (ENRICHMENT,),
           "Provider calls by status: success, failed, rate_limited, cached."),
    Family("leadgen_enrichment_provider_cost_total", "counter", ("provider", "operation"),
           (ENRICHMENT,), "Provider spend in the ledger currency (total API cost)."),
    Family("leadgen_enrichment_provider_call_seconds", "histogram", ("provider", "operation"),
           (ENRICHMENT,), "Wall time of one provider call, retries included."),
    Family("leadgen_enrichment_prospects_total", "counter", ("skipped",), (ENRICHMENT,),
           "Prospects that left enrichment, by skip reason (`none` when the waterfall ran)."),
    Family("leadgen_enrichment_outcomes_total", "counter", ("outcome",), (ENRICHMENT,),
           "Prospects that left enrichment, by outcome: enriched, not_found, failed, skipped."),
    Family("leadgen_enrichment_duration_seconds", "histogram", (), (ENRICHMENT,),
           "One prospect through the waterfall (enrichment latency)."),
    Family("leadgen_enrichment_cost_budget_per_hour", "gauge", (), (ENRICHMENT,),
           "`COST_ALERT_PER_HOUR`: the spend per hour the cost alert compares against."),
    # ---------------------------------------------------------------- scoring
    Family("leadgen_scoring_embeddings_total", "counter", ("model", "source"), (SCORING,),
           "Texts embedded, by model and source (cache, model)."),
    Family("leadgen_scoring_batch_size", "histogram", (), (SCORING,),
           "Prospects scored together in one handler call."),
    Family("leadgen_scoring_embed_seconds", "histogram", (), (SCORING,),
           "Time to embed one batch's profile texts."),
    Family("leadgen_icp_match_score", "histogram", (), (SCORING,),
           "ICP match score of each prospect scored (high quality: >= 0.75)."),
    Family("leadgen_prospects_scored_total", "counter", ("decision",), (SCORING,),
           "Prospects scored, by decision: qualified, review, rejected."),
    # ---------------------------------------------------------------- lead-writer
    Family("leadgen_leads_created_total", "counter", ("source",), (LEAD_WRITER,),
           "Leads created (conversions), by source: auto, review."),
    Family("leadgen_campaigns_completed_total", "counter", (), (LEAD_WRITER,),
           "Campaigns marked completed."),
    Family("leadgen_campaign_duration_seconds", "histogram", (), (LEAD_WRITER,),
           "From a campaign's start to its completion."),
    Family("leadgen_outbox_published_total", "counter", (), (LEAD_WRITER,),
           "Outbox rows published by the relay."),
    Family("leadgen_outbox_relay_failures_total", "counter", (), (LEAD_WRITER,),
           "Relay rounds that failed and were retried."),
    Family("leadgen_outbox_backlog", "gauge", (), (LEAD_WRITER,),
           "Outbox rows not published yet."),
    Family("leadgen_outbox_oldest_age_seconds", "gauge", (), (LEAD_WRITER,),
           "Age of the oldest unpublished outbox row (0: none)."),
    Family("leadgen_lead_writer_duplicates_total", "counter", ("topic", "kind"),
           (LEAD_WRITER,), "Events absorbed without effect: event_id (redelivered), stage."),
    Family("leadgen_prospects_erased_total", "counter", ("reason",), (LEAD_WRITER,),
           "Prospects erased: request, suppressed."),
    # ---------------------------------------------------------------- webhooks
    Family("leadgen_webhook_deliveries_total", "counter", ("outcome",), (WEBHOOKS,),
           "Delivery attempts by outcome: delivered, retry, failed, disabled."),
    Family("leadgen_webhook_delivery_seconds", "histogram", (), (WEBHOOKS,),
           "Time of one delivery attempt, the receiver's answer included."),
    Family("leadgen_webhook_pending", "gauge", (), (WEBHOOKS,),
           "Deliveries waiting for their next attempt."),
)  # fmt: skip


def families_of(service: str) -> tuple[Family, ...]:
    """What ``service``'s /metrics exposes, of the catalogue."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; one of {SERVICES}")
    return tuple(family for family in CATALOGUE if service in family.services)


def series_names() -> frozenset[str]:
    """Every series name a PromQL expression may use (histograms: _bucket, _sum, _count)."""
    return frozenset(name for family in CATALOGUE for name in family.series())


def markdown_table() -> str:
    """The README's metrics table."""
    rows = ["| metric | type | labels | services | meaning |", "|---|---|---|---|---|"]
    for f in CATALOGUE:
        labels = ", ".join(f"`{label}`" for label in f.labels) or "—"
        services = "all" if f.services == SERVICES else ", ".join(f.services)
        rows.append(f"| `{f.name}` | {f.kind} | {labels} | {services} | {f.meaning} |")
    return "\n".join(rows)

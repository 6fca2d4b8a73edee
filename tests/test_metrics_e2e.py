"""The metric catalogue (leadgen_common.testing.metric_catalogue) against the code that
registers the metrics, then against the five running services of the session stack
after a small campaign: every family there, with its labels, and values that add up."""

from __future__ import annotations

import importlib
import time
from collections import defaultdict

import httpx
import pytest
from leadgen_common.testing.e2e import Api, wait_for
from leadgen_common.testing.metric_catalogue import (
    CATALOGUE,
    CONSUMERS,
    SERVICES,
    families_of,
)
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

#: Prefixes of our families (the client library's own process_/python_ ones are not ours).
OURS = ("leadgen_", "rate_limit_", "prospects_", "platform_", "discovery_")
PROSPECTS = 20
CREATE_CAMPAIGN = ("POST", "/api/v1/prospecting/campaigns", "202")
READ_CAMPAIGN = ("GET", "/api/v1/prospecting/campaigns/{campaign_id}", "200")


def test_the_catalogue_is_what_the_code_registers():
    for service in SERVICES:
        importlib.import_module(f"leadgen_{service.replace('-', '_')}.main")
    registered = {
        (family.name, family.type) for family in REGISTRY.collect() if family.name.startswith(OURS)
    }
    assert registered == {(f.family_name, f.kind) for f in CATALOGUE}


# ---------------------------------------------------------------- the running stack
Scrape = dict[str, list[Sample]]


async def scrape(stack: dict[str, str], service: str) -> Scrape:
    """family name -> its samples, from the service's /metrics."""
    url = stack[f"{service.replace('-', '_').upper()}_METRICS_URL"]
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(url)
    response.raise_for_status()
    return {family.name: family.samples for family in text_string_to_metric_families(response.text)}


def total(scraped: Scrape, name: str, suffix: str = "", **labels: str) -> float:
    """Sum of the family's samples named ``name + suffix`` whose labels include ``labels``."""
    family = name.removesuffix("_total")
    return sum(
        s.value
        for s in scraped.get(family, [])
        if s.name == name + suffix and labels.items() <= s.labels.items()
    )


def lag_of(scraped: Scrape) -> dict[tuple[str, str], tuple[float, float]]:
    """(group, topic) -> (lag, when it was read)."""

    def by_pair(family: str) -> dict[tuple[str, str], float]:
        return {(s.labels["group"], s.labels["topic"]): s.value for s in scraped.get(family, [])}

    read_at = by_pair("leadgen_consumer_lag_updated_timestamp_seconds")
    lags = by_pair("leadgen_consumer_lag")
    return {pair: (lag, read_at.get(pair, 0.0)) for pair, lag in lags.items()}


def subscribed(scraped: Scrape) -> set[tuple[str, str]]:
    """(group, topic) of every subscriber: their consumed counters exist from the start."""
    return {
        (s.labels["group"], s.labels["topic"]) for s in scraped.get("leadgen_messages_consumed", [])
    }


@pytest.mark.stack
async def test_every_service_exposes_the_catalogue_with_values_that_add_up(stack, mint_token):
    before = {service: await scrape(stack, service) for service in SERVICES}
    api = Api(stack["GATEWAY_URL"], mint_token("metrics-e2e", "admin"))
    campaign_id = await api.start_campaign(PROSPECTS)
    done = await api.wait_status(campaign_id)
    assert done["status"] == "completed", done
    await api.close()
    completed_at = time.time()

    async def drained() -> dict[str, Scrape] | None:
        """Every service's scrape once every group's lag, read after completion, is 0 and
        the outbox is empty."""
        now = {service: await scrape(stack, service) for service in SERVICES}
        for service in CONSUMERS:
            lags = lag_of(now[service])
            if set(lags) != subscribed(now[service]):
                return None
            if any(lag or at < completed_at for lag, at in lags.values()):
                return None
        if total(now["lead-writer"], "leadgen_outbox_backlog"):
            return None
        return now

    after = await wait_for(drained, seconds=30)
    lags = {s: lag_of(after[s]) for s in CONSUMERS}
    print(f"\nconsumer lag after completion: { {s: len(v) for s, v in lags.items()} } pairs, all 0")

    for service in SERVICES:
        scraped = after[service]
        for family in families_of(service):
            assert family.family_name in scraped, (service, family.name)
            for sample in scraped[family.family_name]:
                labels = set(sample.labels) - {"le"}
                assert labels == set(family.labels), (service, sample)
        assert total(scraped, "leadgen_build_info", service=service) == 1
        for samples in scraped.values():  # bounded labels: never the campaign's id
            assert not any(campaign_id in str(s.labels) for s in samples), service

    def grew(service: str, name: str, suffix: str = "", **labels: str) -> float:
        return total(after[service], name, suffix, **labels) - total(
            before[service], name, suffix, **labels
        )

    gateway = dict(zip(("method", "route", "status"), CREATE_CAMPAIGN, strict=True))
    assert grew("gateway", "leadgen_http_requests_total", **gateway) == 1
    read = dict(zip(("method", "route", "status"), READ_CAMPAIGN, strict=True))
    assert grew("gateway", "leadgen_http_requests_total", **read) >= 1
    assert grew("gateway", "leadgen_http_request_duration_seconds", "_count") >= 2

    assert grew("discovery", "prospects_discovered_total", platform="linkedin") >= PROSPECTS
    assert grew("discovery", "platform_api_calls_total", platform="linkedin", outcome="ok") >= 1
    assert grew("enrichment", "leadgen_enrichment_outcomes_total") >= PROSPECTS
    assert grew("enrichment", "leadgen_enrichment_duration_seconds", "_count") >= 1
    assert total(after["enrichment"], "leadgen_enrichment_cost_budget_per_hour") == 50.0
    assert grew("scoring", "leadgen_prospects_scored_total") >= PROSPECTS
    assert grew("scoring", "leadgen_icp_match_score", "_count") >= PROSPECTS
    decisions = defaultdict(float)
    for s in after["scoring"]["leadgen_prospects_scored"]:
        decisions[s.labels["decision"]] += s.value
    assert set(decisions) == {"qualified", "review", "rejected"}
    assert grew("lead-writer", "leadgen_leads_created_total", source="auto") >= 1
    assert grew("lead-writer", "leadgen_campaign_duration_seconds", "_count") >= 1
    assert total(after["lead-writer"], "leadgen_outbox_oldest_age_seconds") == 0
    for service in CONSUMERS:
        consumed = grew(service, "leadgen_messages_consumed_total", outcome="ok")
        assert consumed >= 1, service

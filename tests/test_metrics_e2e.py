"""The metric catalogue (leadgen_common.testing.metric_catalogue) against the five running
services of the session stack after a small campaign: each exposes exactly its families
of the catalogue, with their labels, and values that add up."""

from __future__ import annotations

import time

import httpx
import pytest
from leadgen_common.testing.e2e import Api, wait_for
from leadgen_common.testing.metric_catalogue import CATALOGUE, CONSUMERS, SERVICES, families_of
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

#: Prefixes of our families (the client library's own process_/python_ ones are not ours).
OURS = ("leadgen_", "rate_limit_", "prospects_", "platform_", "discovery_")
PROSPECTS = 20
CREATE_CAMPAIGN = ("POST", "/api/v1/prospecting/campaigns", "202")
READ_CAMPAIGN = ("GET", "/api/v1/prospecting/campaigns/{campaign_id}", "200")


# ---------------------------------------------------------------- the running stack
Scrape = dict[str, Metric]


async def scrape(stack: dict[str, str], service: str) -> Scrape:
    """family name -> the family, from the service's /metrics."""
    url = stack[f"{service.replace('-', '_').upper()}_METRICS_URL"]
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(url)
    response.raise_for_status()
    return {family.name: family for family in text_string_to_metric_families(response.text)}


def samples(scraped: Scrape, family: str) -> list[Sample]:
    return scraped[family].samples if family in scraped else []


def total(scraped: Scrape, name: str, suffix: str = "", **labels: str) -> float:
    """Sum of the family's samples named ``name + suffix`` whose labels include ``labels``."""
    family = name.removesuffix("_total")
    return sum(
        s.value
        for s in samples(scraped, family)
        if s.name == name + suffix and labels.items() <= s.labels.items()
    )


def lag_of(scraped: Scrape) -> dict[tuple[str, str], tuple[float, float]]:
    """(group, topic) -> (lag, when it was read)."""

    def by_pair(family: str) -> dict[tuple[str, str], float]:
        return {(s.labels["group"], s.labels["topic"]): s.value for s in samples(scraped, family)}

    read_at = by_pair("leadgen_consumer_lag_updated_timestamp_seconds")
    lags = by_pair("leadgen_consumer_lag")
    return {pair: (lag, read_at.get(pair, 0.0)) for pair, lag in lags.items()}


def subscribed(scraped: Scrape) -> set[tuple[str, str]]:
    """(group, topic) of every subscriber: their consumed counters exist from the start."""
    return {
        (s.labels["group"], s.labels["topic"])
        for s in samples(scraped, "leadgen_messages_consumed")
    }


@pytest.mark.stack
async def test_every_service_exposes_the_catalogue_with_values_that_add_up(stack, mint_token):
    before = {service: await scrape(stack, service) for service in SERVICES}
    api = Api(stack["GATEWAY_URL"], mint_token("metrics-e2e", "admin"))
    started = time.time()
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
    pairs = {s: len(lag_of(after[s])) for s in CONSUMERS}
    print(
        f"\ncampaign of {PROSPECTS} completed in {completed_at - started:.1f} s; every lag read "
        f"0 {time.time() - completed_at:.1f} s later ((group, topic) pairs: {pairs})"
    )

    kinds = {f.family_name: f.kind for f in CATALOGUE}
    for service in SERVICES:
        scraped = after[service]
        ours = {
            name: family.type
            for name, family in scraped.items()
            if name.startswith(OURS) and not name.endswith("_created")  # the client's own
        }
        assert ours.items() <= kinds.items(), f"{service}: families unlike the catalogue's"
        for family in families_of(service):
            assert family.family_name in scraped, (service, family.name)
            for sample in samples(scraped, family.family_name):
                labels = set(sample.labels) - {"le"}
                assert labels == set(family.labels), (service, sample)
        assert total(scraped, "leadgen_build_info", service=service) == 1
        for family in scraped.values():  # bounded labels: never the campaign's id
            assert not any(campaign_id in str(s.labels) for s in family.samples), service

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
    outcomes = {
        outcome: grew("enrichment", "leadgen_enrichment_outcomes_total", outcome=outcome)
        for outcome in ("enriched", "not_found", "failed", "skipped")
    }
    left = grew("enrichment", "leadgen_enrichment_prospects_total")
    assert sum(outcomes.values()) == left >= PROSPECTS  # one outcome per prospect leaving
    assert outcomes["enriched"] >= 1
    waterfalls = grew("enrichment", "leadgen_enrichment_duration_seconds", "_count")
    assert waterfalls >= left - outcomes["skipped"]  # every unskipped one ran the waterfall
    cost = grew("enrichment", "leadgen_enrichment_provider_cost_total")
    assert cost > 0
    assert total(after["enrichment"], "leadgen_enrichment_cost_budget_per_hour") == 50.0
    decisions = {
        decision: grew("scoring", "leadgen_prospects_scored_total", decision=decision)
        for decision in ("qualified", "review", "rejected")
    }
    scores = grew("scoring", "leadgen_icp_match_score", "_count")
    assert sum(decisions.values()) == scores >= PROSPECTS
    print(f"enrichment outcomes {outcomes}, cost {cost:.2f}; scoring decisions {decisions}")
    assert grew("lead-writer", "leadgen_leads_created_total", source="auto") >= 1
    assert grew("lead-writer", "leadgen_campaign_duration_seconds", "_count") >= 1
    assert total(after["lead-writer"], "leadgen_outbox_oldest_age_seconds") == 0
    for service in CONSUMERS:
        consumed = grew(service, "leadgen_messages_consumed_total", outcome="ok")
        assert consumed >= 1, service

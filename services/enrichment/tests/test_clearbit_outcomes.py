"""Every provider outcome of the Clearbit adapter: status, cost and data in the call record.

These answers are scripted at the HTTP edge (httpx.MockTransport) because the sandbox
answers only healthy traffic; the happy path against the sandbox itself is in
test_clearbit_sandbox.py.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
import pytest
from leadgen_common.http_retry import ProviderGate, RetryPolicy
from leadgen_enrichment.adapters.clearbit import ClearbitClient, company_from_clearbit
from leadgen_enrichment.adapters.provider_http import ProviderHttp
from pydantic import SecretStr

COST = Decimal("0.10")


async def no_sleep(_: float) -> None:
    return None


def client(http: httpx.AsyncClient, retries: int = 2) -> ClearbitClient:
    api = ProviderHttp(
        "clearbit",
        http,
        policy=RetryPolicy(attempts=retries + 1, backoff_s=0.01, max_retry_after_s=1),
        gate=ProviderGate(asyncio.Semaphore(2)),
        sleep=no_sleep,
    )
    return ClearbitClient(
        api,
        base_url="http://clearbit.test/",
        api_key=SecretStr("k-123"),
        company_cost=COST,
        person_cost=COST,
    )


async def lookup(*answers: httpx.Response | Exception, domain: str = "acme.io"):
    script, seen = list(answers), []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http:
        return await client(http).find_company(domain), seen


async def test_a_match_is_a_billed_success_with_company_data(company_body):
    result, [request] = await lookup(httpx.Response(200, json=company_body()))
    assert request.url == "http://clearbit.test/v2/companies/find?domain=acme.io"
    assert request.headers["authorization"] == "Bearer k-123"
    assert (result.call.provider, result.call.operation) == ("clearbit", "company")
    assert (result.call.status, result.call.cost) == ("success", COST)
    assert result.call.latency_ms >= 0
    assert result.company.name == "Acme"


@pytest.mark.parametrize("status", [404, 202])
async def test_not_found_or_queued_is_a_billed_success_without_data(status):
    result, _ = await lookup(httpx.Response(status, json={"error": {"type": "unknown_record"}}))
    assert (result.call.status, result.call.cost, result.company) == ("success", COST, None)


@pytest.mark.parametrize("status", [401, 402, 403, 422])
async def test_refusals_are_failed_unbilled_and_not_retried(status):
    result, seen = await lookup(httpx.Response(status, json={"error": {"type": "x"}}))
    assert (result.call.status, result.call.cost, result.company) == ("failed", 0, None)
    assert len(seen) == 1


async def test_5xx_retried_then_success_is_billed_once(company_body):
    result, seen = await lookup(
        httpx.Response(502), httpx.ReadTimeout("slow"), httpx.Response(200, json=company_body())
    )
    assert len(seen) == 3
    assert (result.call.status, result.call.cost) == ("success", COST)


async def test_5xx_that_persists_is_a_failed_unbilled_call():
    result, seen = await lookup(httpx.Response(500), httpx.Response(503), httpx.Response(500))
    assert len(seen) == 3
    assert (result.call.status, result.call.cost, result.company) == ("failed", 0, None)


async def test_429_that_persists_is_rate_limited_and_unbilled():
    limited = httpx.Response(429, headers={"Retry-After": "0"})
    result, seen = await lookup(limited, limited, limited)
    assert len(seen) == 3
    assert (result.call.status, result.call.cost) == ("rate_limited", 0)


@pytest.mark.parametrize(
    "answer",
    [httpx.Response(200, content=b"<html>oops</html>"), httpx.Response(200, json=["a", "b"])],
)
async def test_garbage_200_is_a_failed_call_that_was_still_billed(answer):
    result, _ = await lookup(answer)
    assert (result.call.status, result.call.cost, result.company) == ("failed", COST, None)


def test_mapping_of_clearbits_company_object(company_body):
    company = company_from_clearbit(company_body())
    assert company.model_dump() == {
        "name": "Acme",
        "domain": "acme.io",
        "industry": "Internet Software & Services",
        "employees": 180,
        "employees_range": "51-250",
        "founded_year": 2014,
        "location": "Torstrasse 1, 10119 Berlin, Germany",
        "tags": ["SAAS", "B2B", "Technology"],
        "description": "Acme builds developer tooling.",
        "funding_raised_usd": 42_000_000,
        "tech": ["google_analytics", "segment", "aws_route_53"],
    }


def test_mapping_drops_wrongly_typed_fields_one_by_one(company_body):
    body = company_body(
        name=42,
        category="Software",
        metrics={"employees": "many", "employeesRange": "51-250", "raised": -5},
        foundedYear=True,
        tags="SAAS",
        tech=["segment", None, 3, " "],
        location=None,
    )
    company = company_from_clearbit(body)
    assert company.name is None
    assert company.industry is None
    assert company.employees is None
    assert company.employees_range == "51-250"
    assert company.funding_raised_usd is None
    assert company.founded_year is None
    assert company.tags == []
    assert company.tech == ["segment"]
    assert company.location == "Berlin, Berlin, Germany"  # from geo when location is null


def test_mapping_of_an_empty_object_is_an_empty_company():
    assert company_from_clearbit({}).model_dump(exclude_defaults=True) == {}

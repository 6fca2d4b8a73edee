"""The Clearbit adapter against the real sandbox app, in process (httpx.ASGITransport).

One clock drives both the sandbox's per-minute request budget and the adapter's sleeps,
so waiting out a 429's Retry-After is exercised without spending the time.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
import pytest
from leadgen_common.http_retry import ProviderGate, RetryPolicy
from leadgen_devstack.sandbox.app import create_app
from leadgen_devstack.sandbox.industries import clearbit_employees_range
from leadgen_devstack.sandbox.population import build_population
from leadgen_devstack.sandbox.settings import SandboxSettings
from leadgen_enrichment.adapters.clearbit import ClearbitClient
from leadgen_enrichment.adapters.provider_http import ProviderHttp
from pydantic import SecretStr

COST = Decimal("0.10")


class Time:
    def __init__(self) -> None:
        self.now = 1_000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def population():
    return build_population(300)


def sandbox_client(
    population, time: Time, *, rate_limit: int = 0, max_retry_after_s: float = 5
) -> tuple[httpx.AsyncClient, ClearbitClient]:
    settings = SandboxSettings(population=len(population.people), rate_limit_per_min=rate_limit)
    app = create_app(settings, population, clock=time.clock)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox")
    api = ProviderHttp(
        "clearbit",
        http,
        policy=RetryPolicy(attempts=3, max_retry_after_s=max_retry_after_s),
        gate=ProviderGate(asyncio.Semaphore(4), clock=time.clock),
        sleep=time.sleep,
    )
    adapter = ClearbitClient(
        api,
        base_url="http://sandbox/clearbit",
        api_key=SecretStr("sandbox-key"),
        company_cost=COST,
        person_cost=COST,
    )
    return http, adapter


async def test_known_domain_maps_the_sandbox_company(population):
    company = population.companies[0]
    http, adapter = sandbox_client(population, Time())
    async with http:
        result = await adapter.find_company(company.domain)
    assert (result.call.status, result.call.cost) == ("success", COST)
    found = result.company
    assert (found.name, found.domain) == (company.name, company.domain)
    assert found.industry == company.industry.name
    assert found.employees == company.employees
    assert found.employees_range == clearbit_employees_range(company.employees)
    assert found.founded_year == company.founded_year
    assert found.location and company.city.name in found.location
    assert found.tech == [slug for slug, _ in company.tech]
    assert found.funding_raised_usd == (company.raised or None)


async def test_unknown_domain_is_an_answer_priced_by_the_sandbox_cost_header(population):
    http, adapter = sandbox_client(population, Time())
    async with http:
        result = await adapter.find_company("no-such-company-anywhere.example")
    # The sandbox prices a miss at 0 (X-Sandbox-Cost), which wins over the configured price.
    assert (result.call.status, result.call.cost, result.company) == ("success", 0, None)


async def test_a_domain_the_sandbox_rejects_is_an_unbilled_failure(population):
    http, adapter = sandbox_client(population, Time())
    async with http:
        result = await adapter.find_company("not a domain")
    assert (result.call.status, result.call.cost, result.company) == ("failed", 0, None)


async def test_429_is_waited_out_when_retry_after_is_short_enough(population):
    time, domain = Time(), population.companies[0].domain
    http, adapter = sandbox_client(population, time, rate_limit=1, max_retry_after_s=60)
    async with http:
        first = await adapter.find_company(domain)
        started = time.now
        second = await adapter.find_company(domain)
    assert first.call.status == second.call.status == "success"
    assert time.now > started  # it slept until the sandbox's minute window reset
    assert second.company is not None


async def test_429_with_a_long_retry_after_gives_up_as_rate_limited(population):
    time, domain = Time(), population.companies[0].domain
    http, adapter = sandbox_client(population, time, rate_limit=1, max_retry_after_s=0.5)
    async with http:
        await adapter.find_company(domain)
        result = await adapter.find_company(domain)
    assert (result.call.status, result.call.cost, result.company) == ("rate_limited", 0, None)

"""The sandbox provider server over HTTP, in process (httpx.ASGITransport), and its CLI."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from leadgen_devstack.sandbox import SandboxSettings, create_app
from leadgen_devstack.sandbox.population import Population, build_population

AUTH = {"Authorization": "Bearer sandbox-key"}
SEARCH = "/linkedin/v2/people/search"
FIND = "/clearbit/v2/companies/find"

#: The sample ICP as the shared translator (leadgen_common.criteria) renders it.
ICP_PARAMS = [
    *(("title", t) for t in ("CTO", "VP Engineering", "Director of Engineering",
                             "Head of Product")),
    *(("geo", g) for g in ("United States", "United Kingdom", "Canada")),
    *(("industry", i) for i in ("Computer Software", "Software as a Service (SaaS)",
                                "Cloud Computing", "Computer & Network Security")),
    *(("companySize", s) for s in ("51-200", "201-500", "501-1000")),
]  # fmt: skip
ICP_PAINS = [
    ("keywords", k)
    for k in ("engineering team", "technical debt management", "devops automation",
              "security compliance")
]  # fmt: skip
#: Independent oracle for ICP_PARAMS, on the population's own fields.
ICP_TITLES = {
    "CTO", "Chief Technology Officer", "Co-founder & CTO", "Co-Founder and CTO",
    "VP Engineering", "VP of Engineering", "Vice President of Engineering", "VP, Engineering",
    "Director of Engineering", "Engineering Director", "Senior Director of Engineering",
    "Head of Product",
}  # fmt: skip


def icp_criteria_met(person) -> set[str]:
    company = person.company
    checks = {
        "title": person.title in ICP_TITLES,
        "geo": person.country.code in {"US", "GB", "CA"},
        "industry": company.industry.name in {"Software", "SaaS", "Cloud Computing",
                                              "Cybersecurity"},
        "companySize": 51 <= company.employees <= 1000,
    }  # fmt: skip
    return {name for name, met in checks.items() if met}


@pytest.fixture(scope="module")
def population() -> Population:
    return build_population()


def client_for(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox")


@pytest.fixture
async def client(population) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(create_app(SandboxSettings(), population)) as http:
        http.headers.update(AUTH)
        yield http


async def all_pages(client: httpx.AsyncClient, params: list, count: int) -> list[dict]:
    elements: list[dict] = []
    start = 0
    while True:
        response = await client.get(SEARCH, params=[*params, ("start", start), ("count", count)])
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["paging"]["start"] == start and body["paging"]["count"] == count
        elements += body["elements"]
        if not any(link["rel"] == "next" for link in body["paging"]["links"]):
            assert len(elements) == body["paging"]["total"]
            return elements
        start += count


# -- LinkedIn ------------------------------------------------------------------------------


async def test_paging_the_icp_search_returns_full_matches_first_and_everyone_once(
    client, population
):
    elements = await all_pages(client, ICP_PARAMS, 50)
    ids = [element["id"] for element in elements]
    assert len(ids) == len(set(ids))
    expected = {
        f"li-{person.index:06d}": icp_criteria_met(person)
        for person in population.people
        if icp_criteria_met(person)
    }
    assert set(ids) == set(expected)
    assert all(set(e["matchedCriteria"]) == expected[e["id"]] for e in elements)
    sizes = [len(element["matchedCriteria"]) for element in elements]
    assert sizes == sorted(sizes, reverse=True)
    # Within one number of criteria matched, the order is by id.
    for size in set(sizes):
        same = [e["id"] for e in elements if len(e["matchedCriteria"]) == size]
        assert same == sorted(same)


async def test_the_sample_icp_has_a_few_hundred_full_matches(client):
    body = (await client.get(SEARCH, params=[*ICP_PARAMS, ("count", 0)])).json()
    assert body["elements"] == []
    assert body["metadata"]["criteria"] == ["title", "geo", "industry", "companySize"]
    assert 300 <= body["metadata"]["fullMatchTotal"] <= 1_000
    with_pains = (await client.get(SEARCH, params=[*ICP_PARAMS, *ICP_PAINS, ("count", 0)])).json()
    assert 300 <= with_pains["metadata"]["fullMatchTotal"] < body["metadata"]["fullMatchTotal"]


async def test_small_pages_cover_a_narrow_search_exactly(client, population):
    params = [("title", "cto"), ("geo", "GERMANY")]
    elements = await all_pages(client, params, 7)
    cto = {"CTO", "Chief Technology Officer", "Co-founder & CTO", "Co-Founder and CTO"}
    expected = {
        f"li-{p.index:06d}" for p in population.people if p.title in cto or p.country.code == "DE"
    }
    assert {e["id"] for e in elements} == expected
    assert len(elements) == len(expected)
    full = [e for e in elements if len(e["matchedCriteria"]) == 2]
    assert full and elements[: len(full)] == full


async def test_title_spellings_find_the_same_people(client):
    async def ids(title: str) -> list[str]:
        body = (await client.get(SEARCH, params={"title": title, "count": 50})).json()
        return [e["id"] for e in body["elements"]], body["paging"]["total"]

    first = await ids("VP Engineering")
    assert first[1] > 0
    assert await ids("VP of Engineering") == first
    assert await ids("vice president, engineering") == first


async def test_geo_accepts_codes_aliases_regions_and_cities(client):
    async def total(geo: str) -> int:
        body = (await client.get(SEARCH, params={"geo": geo, "count": 0})).json()
        return body["paging"]["total"]

    us = await total("United States")
    assert us == await total("us") == await total("USA")
    assert await total("North America") == us + await total("Canada")
    assert 0 < await total("San Francisco") < us
    assert await total("Atlantis") == 0


async def test_keywords_search_the_profile_text(client):
    body = (await client.get(SEARCH, params={"keywords": "DevOps automation", "count": 50})).json()
    assert body["paging"]["total"] > 0
    for element in body["elements"]:
        text = " ".join((element["summary"], element["localizedHeadline"], *element["skills"]))
        assert "devops" in text.lower() and "automat" in text.lower()


async def test_search_without_criteria_lists_everyone(client, population):
    body = (await client.get(SEARCH, params={"count": 3})).json()
    assert body["paging"]["total"] == len(population.people)
    assert [e["id"] for e in body["elements"]] == ["li-000000", "li-000001", "li-000002"]


async def test_profile_has_linkedin_fields_and_matches_search(client, population):
    search = (await client.get(SEARCH, params={"title": "Head of Product", "count": 1})).json()
    element = search["elements"][0]
    profile = (await client.get(f"/linkedin/v2/people/{element['id']}")).json()
    assert {**profile, "matchedCriteria": element["matchedCriteria"]} == element
    person = population.people[int(profile["id"].removeprefix("li-"))]
    assert profile["localizedFirstName"] == person.first_name
    assert profile["localizedHeadline"] == person.headline
    assert profile["publicProfileUrl"].endswith("/in/" + profile["vanityName"])
    assert profile["location"]["countryCode"] == person.country.code
    current = profile["positions"][0]
    assert current["isCurrent"] and current["title"] == "Head of Product"
    company = current["company"]
    assert (company["name"], company["domain"], company["industry"], company["staffCount"]) == (
        person.company.name,
        person.company.domain,
        person.company.industry.name,
        person.company.employees,
    )
    assert set(profile["activity"]) == {
        "postsLast30Days", "lastActiveDays", "connections", "followers", "recentTopics",
    }  # fmt: skip
    assert profile["summary"] and profile["skills"]


@pytest.mark.parametrize("member", ["li-999999", "li-12", "bob", "li-000001x"])
async def test_unknown_member_is_a_linkedin_404(client, member):
    response = await client.get(f"/linkedin/v2/people/{member}")
    assert response.status_code == 404
    assert response.json()["status"] == 404 and "message" in response.json()


@pytest.mark.parametrize(
    "params",
    [{"count": 51}, {"count": -1}, {"start": -1}, {"companySize": "huge"}, {"start": "x"}],
)
async def test_bad_search_parameters_are_a_linkedin_400(client, params):
    response = await client.get(SEARCH, params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["serviceErrorCode"] == 100 and body["message"]


async def test_next_link_continues_the_search(client):
    first = (await client.get(SEARCH, params={"title": "CTO", "count": 10})).json()
    (link,) = first["paging"]["links"]
    assert link["rel"] == "next"
    second = (await client.get(link["href"])).json()
    assert second["paging"]["start"] == 10
    assert {e["id"] for e in first["elements"]}.isdisjoint(e["id"] for e in second["elements"])


# -- Clearbit ------------------------------------------------------------------------------


async def test_clearbit_finds_a_population_company(client, population):
    company = population.companies[42]
    response = await client.get(FIND, params={"domain": f"https://www.{company.domain.upper()}/x"})
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["domain"], body["foundedYear"]) == (
        company.name,
        company.domain,
        company.founded_year,
    )
    assert body["category"]["industry"] == company.industry.name
    assert body["category"]["sector"]
    assert body["metrics"]["employees"] == company.employees
    assert body["metrics"]["employeesRange"] and body["metrics"]["estimatedAnnualRevenue"]
    assert body["geo"]["countryCode"] == company.country.code
    assert body["geo"]["city"] == company.city.name
    assert body["tech"] and body["tags"] and body["description"]
    again = (await client.get(FIND, params={"domain": company.domain})).json()
    assert again == body


async def test_clearbit_unknown_domain_is_404(client):
    response = await client.get(FIND, params={"domain": "no-such-company.example"})
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "unknown_record"


@pytest.mark.parametrize("params", [{}, {"domain": ""}, {"domain": "not a domain"}])
async def test_clearbit_missing_or_bad_domain_is_422(client, params):
    response = await client.get(FIND, params=params)
    assert response.status_code == 422
    assert set(response.json()["error"]) == {"type", "message"}


# -- auth, budget, latency, health -----------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer", "Basic c2FuZGJveDo=", "sandbox"])
async def test_every_provider_route_needs_a_bearer_key(population, header):
    headers = {"Authorization": header} if header is not None else {}
    async with client_for(create_app(SandboxSettings(), population)) as http:
        linkedin = await http.get(SEARCH, headers=headers)
        profile = await http.get("/linkedin/v2/people/li-000001", headers=headers)
        clearbit = await http.get(FIND, params={"domain": "x.io"}, headers=headers)
        health = await http.get("/healthz")
    assert linkedin.status_code == profile.status_code == clearbit.status_code == 401
    assert linkedin.json()["status"] == 401 and linkedin.json()["serviceErrorCode"] == 65600
    assert clearbit.json()["error"]["type"] == "auth_required"
    assert health.status_code == 200


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_request_budget_answers_429_with_retry_after(population):
    clock = FakeClock(600.0 + 15)  # 15 s into a minute
    settings = SandboxSettings(rate_limit_per_min=3)
    async with client_for(create_app(settings, population, clock=clock)) as http:
        ok = [await http.get(SEARCH, params={"count": 0}, headers=AUTH) for _ in range(3)]
        assert [r.status_code for r in ok] == [200, 200, 200]
        assert [r.headers["X-RateLimit-Remaining"] for r in ok] == ["2", "1", "0"]
        refused = await http.get(SEARCH, params={"count": 0}, headers=AUTH)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "45"
        assert refused.json()["status"] == 429
        other_key = await http.get(SEARCH, headers={"Authorization": "Bearer other"})
        assert other_key.status_code == 200
        other_provider = await http.get(FIND, params={"domain": "x.io"}, headers=AUTH)
        assert other_provider.status_code == 404  # its own budget, so not refused
        for _ in range(3):
            await http.get(FIND, params={"domain": "x.io"}, headers=AUTH)
        clearbit_refused = await http.get(FIND, params={"domain": "x.io"}, headers=AUTH)
        assert clearbit_refused.status_code == 429
        assert clearbit_refused.json()["error"]["type"] == "rate_limit"
        clock.now += 45
        assert (await http.get(SEARCH, params={"count": 0}, headers=AUTH)).status_code == 200


async def test_no_budget_means_no_limit(client):
    for _ in range(20):
        response = await client.get(SEARCH, params={"count": 0})
        assert response.status_code == 200
        assert "X-RateLimit-Limit" not in response.headers


async def test_latency_setting_delays_provider_answers(population):
    async with client_for(create_app(SandboxSettings(latency_ms=150), population)) as http:
        started = time.perf_counter()
        response = await http.get(SEARCH, params={"count": 0}, headers=AUTH)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert elapsed >= 0.15


async def test_healthz_reports_the_population(client, population):
    body = (await client.get("/healthz")).json()
    assert body == {
        "status": "ok",
        "providers": ["linkedin", "clearbit"],
        "people": len(population.people),
        "companies": len(population.companies),
    }


def test_settings_read_the_environment(monkeypatch):
    monkeypatch.setenv("SANDBOX_POPULATION", "25000")
    monkeypatch.setenv("SANDBOX_LATENCY_MS", "20")
    monkeypatch.setenv("SANDBOX_RATE_LIMIT_PER_MIN", "60")
    monkeypatch.setenv("HTTP_HOST", "0.0.0.0")
    monkeypatch.setenv("HTTP_PORT", "9123")
    settings = SandboxSettings()
    assert (settings.population, settings.latency_ms, settings.rate_limit_per_min) == (
        25_000,
        20,
        60,
    )
    assert (settings.http_host, settings.http_port) == ("0.0.0.0", 9123)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_module_serves_the_sandbox_on_http_port():
    port = free_port()
    env = {**os.environ, "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port),
           "SANDBOX_POPULATION": "500"}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "leadgen_devstack.sandbox"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, "sandbox exited"
                assert time.monotonic() < deadline, "sandbox did not start"
                time.sleep(0.1)
        assert health.json()["people"] == 500
        search = httpx.get(f"http://127.0.0.1:{port}{SEARCH}", headers=AUTH, timeout=5)
        assert search.json()["paging"]["total"] == 500
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

"""What every sandbox provider does before answering: credentials, latency, injected
faults and per-credential quotas, each in the provider's own shape; every answer's cost;
and the persona ground truth staying out of every public answer."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from leadgen_devstack.sandbox import SandboxSettings, create_app
from leadgen_devstack.sandbox.app import format_cost
from leadgen_devstack.sandbox.personas import archetypes
from leadgen_devstack.sandbox.population import Population, build_population, facebook_id, x_id
from leadgen_devstack.sandbox.testing import FakeClock, client

KEY = "sandbox-key"
SPEC = json.dumps({"geo_locations": {"countries": ["NZ"]}, "interests": [{"id": "6003100000002"}]})


def calls(domain: str, email: str) -> dict[str, tuple[str, str, dict]]:
    """One authenticated call per provider: (method, path, request options)."""
    return {
        "linkedin": (
            "GET",
            "/linkedin/v2/people/search",
            {"params": {"title": "CTO", "count": 1}, "headers": {"Authorization": f"Bearer {KEY}"}},
        ),
        "facebook": (
            "GET",
            "/facebook/v19.0/search",
            {"params": {"type": "adinterest", "q": "devops", "access_token": KEY}},
        ),
        "twitter": (
            "GET",
            "/twitter/2/users/search",
            {"params": {"query": "cto"}, "headers": {"Authorization": f"Bearer {KEY}"}},
        ),
        "clearbit": (
            "GET",
            "/clearbit/v2/companies/find",
            {"params": {"domain": domain}, "headers": {"Authorization": f"Bearer {KEY}"}},
        ),
        "hunter": (
            "GET",
            "/hunter/v2/email-verifier",
            {"params": {"email": email, "api_key": KEY}},
        ),
        "apollo": (
            "POST",
            "/apollo/api/v1/people/match",
            {"json": {"email": email}, "headers": {"X-Api-Key": KEY}},
        ),
    }


def error_kind(provider: str, body: dict) -> object:
    """The provider's own way of naming an error, to check the shape per provider."""
    return {
        "linkedin": lambda b: b["serviceErrorCode"],
        "facebook": lambda b: b["error"]["code"],
        "twitter": lambda b: b["title"],
        "clearbit": lambda b: b["error"]["type"],
        "hunter": lambda b: b["errors"][0]["id"],
        "apollo": lambda b: b["error_code"],
    }[provider](body)


@pytest.fixture(scope="module")
def population() -> Population:
    return build_population()


@pytest.fixture(scope="module")
def targets(population) -> dict[str, tuple[str, str, dict]]:
    app = create_app(SandboxSettings(), population)
    email = app.state.context.emails.work_email(10)
    return calls(population.company(0).domain, email)


async def send(http: httpx.AsyncClient, call: tuple[str, str, dict], **overrides) -> httpx.Response:
    method, path, options = call
    return await http.request(method, path, **{**options, **overrides})


# -- credentials -------------------------------------------------------------------------------


async def test_every_provider_refuses_a_call_without_credentials(population, targets):
    expected = {
        "linkedin": (401, 65600),
        "facebook": (400, 104),
        "twitter": (401, "Unauthorized"),
        "clearbit": (401, "auth_required"),
        "hunter": (401, "authentication_failed"),
        "apollo": (401, "INVALID_API_KEY"),
    }
    async with client(create_app(SandboxSettings(), population)) as http:
        for provider, (method, path, options) in targets.items():
            bare = {k: v for k, v in options.items() if k != "headers"}
            if "params" in bare:
                bare["params"] = {
                    k: v for k, v in bare["params"].items() if k not in ("access_token", "api_key")
                }
            response = await http.request(method, path, **bare)
            status, kind = expected[provider]
            assert response.status_code == status, provider
            assert error_kind(provider, response.json()) == kind, provider
            assert response.headers["X-Sandbox-Cost"] == "0.00"
        assert (await http.get("/healthz")).status_code == 200


# -- latency -----------------------------------------------------------------------------------


async def test_latency_is_per_provider(population, targets):
    clock = FakeClock()
    settings = SandboxSettings(latency_ms=20, latencies_ms={"clearbit": 150})
    app = create_app(settings, population, clock=clock, sleep=clock.sleep)
    async with client(app) as http:
        await send(http, targets["clearbit"])
        await send(http, targets["hunter"])
    assert clock.slept == [0.15, 0.02]


async def test_latency_really_delays_the_answer(population, targets):
    async with client(create_app(SandboxSettings(latency_ms=120), population)) as http:
        started = time.perf_counter()
        response = await send(http, targets["linkedin"])
    assert response.status_code == 200 and time.perf_counter() - started >= 0.12


# -- faults ------------------------------------------------------------------------------------


async def fault_run(population, targets, seed: int) -> tuple[list[int], list[float]]:
    clock = FakeClock()
    settings = SandboxSettings(
        seed=seed,
        error_rates={"hunter": 0.3},
        fault_timeout_s=2.5,
        population=population.size,
    )
    app = create_app(settings, population, clock=clock, sleep=clock.sleep)
    method, path, options = targets["hunter"]
    statuses = []
    async with client(app) as http:
        for n in range(80):
            params = {**options["params"], "email": f"person{n % 40}@example.com"}
            statuses.append((await http.request(method, path, params=params)).status_code)
    return statuses, clock.slept


async def test_injected_faults_are_deterministic_and_a_retry_can_succeed(population, targets):
    first, slept = await fault_run(population, targets, population.seed)
    again, _ = await fault_run(population, targets, population.seed)
    other, _ = await fault_run(population, targets, population.seed + 1)
    assert first == again != other
    assert {500, 503, 504} <= set(first) and 0.15 < first.count(200) / len(first) < 0.9
    assert slept.count(2.5) == first.count(504)  # a timeout holds the request, then 504
    # The 40 addresses are asked twice: a request that failed the first time may pass later.
    assert any(first[n] != 200 and first[n + 40] == 200 for n in range(40))


async def test_faults_come_in_the_providers_error_shapes(population, targets):
    clock = FakeClock()
    settings = SandboxSettings(error_rate=1.0, fault_timeout_s=0)
    app = create_app(settings, population, clock=clock, sleep=clock.sleep)
    async with client(app) as http:
        for provider, call in targets.items():
            response = await send(http, call)
            assert response.status_code in (500, 503, 504), provider
            assert error_kind(provider, response.json()) is not None, provider
            if response.status_code == 503:
                assert response.headers["Retry-After"] == "1"


# -- quotas --------------------------------------------------------------------------------------


async def test_each_provider_answers_429_with_retry_after_per_credential(population, targets):
    clock = FakeClock(600.0 + 15)  # 15 s into a minute
    settings = SandboxSettings(rate_limit_per_min=2, rate_limits_per_min={"apollo": 1})
    app = create_app(settings, population, clock=clock)
    async with client(app) as http:
        for provider, call in targets.items():
            limit = 1 if provider == "apollo" else 2
            for _ in range(limit):
                assert (await send(http, call)).status_code < 400, provider
            refused = await send(http, call)
            assert refused.status_code == 429, provider
            assert refused.headers["Retry-After"] == "45"
            assert refused.headers["X-RateLimit-Limit"] == str(limit)
            assert error_kind(provider, refused.json())
        twitter = await send(http, targets["twitter"])
        assert twitter.headers["x-rate-limit-reset"] == str(600 + 60)
        facebook = await send(http, targets["facebook"])
        assert json.loads(facebook.headers["X-App-Usage"])["call_count"] == 100
        other_key = await http.get(
            "/linkedin/v2/people/search",
            params={"count": 0},
            headers={"Authorization": "Bearer other"},
        )
        assert other_key.status_code == 200
        clock.now += 45
        assert (await send(http, targets["linkedin"])).status_code == 200


async def test_no_quota_means_no_limit_headers(population, targets):
    async with client(create_app(SandboxSettings(), population)) as http:
        for _ in range(20):
            response = await send(http, targets["linkedin"])
            assert response.status_code == 200 and "X-RateLimit-Limit" not in response.headers


# -- costs ---------------------------------------------------------------------------------------


async def test_every_answer_reports_its_cost_and_prices_are_settings(population, targets):
    expected = {
        "linkedin": "0.01",
        "facebook": "0.002",
        "twitter": "0.01",
        "clearbit": "0.10",
        "hunter": "0.01",
        "apollo": "0.03",
    }
    async with client(create_app(SandboxSettings(), population)) as http:
        for provider, call in targets.items():
            response = await send(http, call)
            assert response.headers["X-Sandbox-Cost"] == expected[provider], provider
            assert response.headers["X-Sandbox-Operation"].startswith(f"{provider}.")
    settings = SandboxSettings(prices={"clearbit.company": 0.25})
    async with client(create_app(settings, population)) as http:
        assert (await send(http, targets["clearbit"])).headers["X-Sandbox-Cost"] == "0.25"


def test_costs_print_as_money():
    assert [format_cost(v) for v in (0, 0.1, 0.005, 1.5, 0.125)] == [
        "0.00",
        "0.10",
        "0.005",
        "1.50",
        "0.125",
    ]


# -- ground truth stays private -------------------------------------------------------------------


async def test_no_public_answer_reveals_the_persona_ground_truth(population):
    secrets = {a.id for a in archetypes()} | {"archetype", "sample_icp", "hard_negative", "non_fit"}
    app = create_app(SandboxSettings(), population)
    emails = app.state.context.emails
    people = [
        i
        for i in range(0, population.size, 20_011)
        if population.on_facebook(i) and population.on_x(i)
    ]
    bodies = []
    async with client(app) as http:
        bearer = {"Authorization": f"Bearer {KEY}"}
        for index in people:
            email = emails.work_email(index)
            person = population.person(index)
            bodies += [
                await http.get(f"/linkedin/v2/people/li-{index:06d}", headers=bearer),
                await http.get(
                    f"/facebook/v19.0/{facebook_id(index)}", params={"access_token": KEY}
                ),
                await http.get(
                    f"/twitter/2/users/{x_id(index)}",
                    headers=bearer,
                    params={"user.fields": "description,location"},
                ),
                await http.get(
                    "/clearbit/v2/combined/find", params={"email": email}, headers=bearer
                ),
                await http.get(
                    "/hunter/v2/email-finder",
                    params={
                        "domain": person.company.domain,
                        "first_name": person.first_name,
                        "last_name": person.last_name,
                        "api_key": KEY,
                    },
                ),
                await http.post(
                    "/apollo/api/v1/people/match", json={"email": email}, headers={"X-Api-Key": KEY}
                ),
            ]
        bodies += [
            await http.get(
                "/linkedin/v2/people/search", params={"title": "CTO", "count": 50}, headers=bearer
            ),
            await http.get(
                "/facebook/v19.0/search",
                params={"type": "user", "targeting_spec": SPEC, "access_token": KEY, "limit": 100},
            ),
            await http.get(
                "/twitter/2/users/search",
                params={"query": "cto", "max_results": 100, "user.fields": "description"},
                headers=bearer,
            ),
        ]
    for response in bodies:
        assert response.status_code == 200, response.text
        text = response.text.lower()
        assert not [secret for secret in secrets if secret in text], response.url

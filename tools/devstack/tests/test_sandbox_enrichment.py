"""The sandbox's enrichment providers: Clearbit company/person/combined, Hunter email
finder and verifier, Apollo people match -- documented shapes, deterministic answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from leadgen_devstack.sandbox import SandboxSettings, create_app
from leadgen_devstack.sandbox.emails import DISPOSABLE, STATUSES, sha256
from leadgen_devstack.sandbox.linkedin import vanity_name
from leadgen_devstack.sandbox.population import Population, build_population
from leadgen_devstack.sandbox.testing import client, documented, shape_differences

BEARER = {"Authorization": "Bearer sandbox-key"}
FIND = "/clearbit/v2/companies/find"
#: Apollo's documented example shows fewer organization fields than its API returns.
APOLLO_EXTRAS = frozenset(
    {
        "primary_phone",
        "keywords",
        "industries",
        "raw_address",
        "street_address",
        "postal_code",
        "total_funding",
        "technology_names",
        "personal_emails",
        "hashed_email",
    }
)


@pytest.fixture(scope="module")
def population() -> Population:
    return build_population()


@pytest.fixture(scope="module")
def app(population):
    return create_app(SandboxSettings(), population)


@pytest.fixture
async def http(app) -> AsyncIterator[httpx.AsyncClient]:
    async with client(app) as session:
        yield session


@pytest.fixture(scope="module")
def emails(app):
    return app.state.context.emails


# -- Clearbit ------------------------------------------------------------------------------------


async def test_clearbit_finds_a_population_company(http, population):
    company = population.company(42)
    response = await http.get(
        FIND, params={"domain": f"https://www.{company.domain.upper()}/x"}, headers=BEARER
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["domain"], body["foundedYear"]) == (
        company.name,
        company.domain,
        company.founded_year,
    )
    assert body["category"]["industry"] == company.industry.name
    assert body["metrics"]["employees"] == company.employees
    assert body["geo"]["countryCode"] == company.country.code
    assert body["tech"] and body["tags"] and body["description"]
    again = (await http.get(FIND, params={"domain": company.domain}, headers=BEARER)).json()
    assert again == body


async def test_clearbit_unknown_domain_is_404_and_free(http):
    response = await http.get(FIND, params={"domain": "no-such-company.example"}, headers=BEARER)
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "unknown_record"
    assert response.headers["X-Sandbox-Cost"] == "0.00"


@pytest.mark.parametrize("params", [{}, {"domain": ""}, {"domain": "not a domain"}])
async def test_clearbit_missing_or_bad_domain_is_422(http, params):
    response = await http.get(FIND, params=params, headers=BEARER)
    assert response.status_code == 422
    assert set(response.json()["error"]) == {"type", "message"}


async def test_clearbit_person_and_combined_have_the_documented_shapes(http, population, emails):
    index = 31_337
    person = population.person(index)
    address = emails.work_email(index)
    found = await http.get("/clearbit/v2/people/find", params={"email": address}, headers=BEARER)
    assert found.status_code == 200 and found.headers["X-Sandbox-Cost"] == "0.10"
    body = found.json()
    assert shape_differences(body, documented("clearbit_person")) == []
    assert body["name"]["fullName"] == f"{person.first_name} {person.last_name}"
    assert (body["employment"]["domain"], body["employment"]["title"]) == (
        person.company.domain,
        person.title,
    )
    combined = (
        await http.get("/clearbit/v2/combined/find", params={"email": address}, headers=BEARER)
    ).json()
    assert combined["person"] == body
    assert combined["company"]["domain"] == person.company.domain
    basic = await http.get(
        "/clearbit/v2/people/find", params={"email": address}, auth=("sandbox-key", "")
    )
    assert basic.status_code == 200


async def test_clearbit_person_misses_are_documented_errors(http):
    unknown = await http.get(
        "/clearbit/v2/people/find", params={"email": "nobody@nowhere.example"}, headers=BEARER
    )
    assert unknown.status_code == 404
    assert shape_differences(unknown.json(), documented("clearbit_error")) == []
    invalid = await http.get("/clearbit/v2/people/find", params={"email": "nope"}, headers=BEARER)
    assert invalid.status_code == 422 and invalid.json()["error"]["type"] == "email_invalid"


# -- Hunter ---------------------------------------------------------------------------------------


async def test_hunter_email_finder_finds_the_work_address(http, population, emails):
    person = population.person(4_242)
    response = await http.get(
        "/hunter/v2/email-finder",
        params={
            "domain": person.company.domain,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "api_key": "sandbox-key",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert shape_differences(body, documented("hunter_email_finder")) == []
    assert body["data"]["email"] == emails.work_email(person.index)
    assert body["data"]["verification"]["status"] == emails.work_status(person.index)[0]
    assert body["data"]["position"] == person.title
    by_company = await http.get(
        "/hunter/v2/email-finder",
        params={
            "company": person.company.name,
            "full_name": f"{person.first_name} {person.last_name}",
        },
        headers={"X-API-KEY": "sandbox-key"},
    )
    assert by_company.json()["data"]["email"] == body["data"]["email"]
    by_handle = await http.get(
        "/hunter/v2/email-finder",
        params={"linkedin_handle": vanity_name(person), "api_key": "sandbox-key"},
    )
    assert by_handle.json()["data"]["email"] == body["data"]["email"]


async def test_hunter_email_finder_miss_and_wrong_params(http, population):
    miss = await http.get(
        "/hunter/v2/email-finder",
        params={
            "domain": population.company(0).domain,
            "first_name": "Zebedee",
            "last_name": "Quux",
            "api_key": "sandbox-key",
        },
    )
    assert miss.status_code == 200 and miss.json()["data"]["email"] is None
    assert miss.headers["X-Sandbox-Cost"] == "0.00"
    wrong = await http.get("/hunter/v2/email-finder", params={"api_key": "sandbox-key"})
    assert wrong.status_code == 400
    assert shape_differences(wrong.json(), documented("hunter_error")) == []
    unauthorized = await http.get("/hunter/v2/email-verifier", params={"email": "a@b.co"})
    assert unauthorized.status_code == 401
    assert unauthorized.json()["errors"][0]["id"] == "authentication_failed"


async def test_hunter_verifier_reaches_every_status_deterministically(http, population, emails):
    addresses = [emails.work_email(i) for i in range(0, 6_000, 3)]
    addresses += [emails.personal_email(i) for i in range(400) if emails.personal_email(i)][:5]
    addresses += [f"someone@{DISPOSABLE[0]}", "ghost@" + population.company(1).domain]
    seen: Counter[str] = Counter()
    for address in addresses:
        response = await http.get(
            "/hunter/v2/email-verifier", params={"email": address, "api_key": "sandbox-key"}
        )
        body = response.json()
        seen[body["data"]["status"]] += 1
        assert 0 <= body["data"]["score"] <= 100
    assert set(seen) == set(STATUSES)
    sample = await http.get(
        "/hunter/v2/email-verifier", params={"email": addresses[0], "api_key": "sandbox-key"}
    )
    assert shape_differences(sample.json(), documented("hunter_email_verifier")) == []
    again = await http.get(
        "/hunter/v2/email-verifier", params={"email": addresses[0], "api_key": "sandbox-key"}
    )
    assert again.json() == sample.json()


def test_most_work_addresses_verify_valid(population, emails):
    statuses = Counter(emails.work_status(i)[0] for i in range(0, population.size, 50))
    total = sum(statuses.values())
    assert 0.65 < statuses["valid"] / total < 0.9
    assert statuses["accept_all"] and statuses["invalid"] and statuses["unknown"]


# -- Apollo ---------------------------------------------------------------------------------------


async def test_apollo_people_match_by_every_identifier(http, population, emails):
    person = population.person(77_777)
    key = {"X-Api-Key": "sandbox-key"}
    by_email = await http.post(
        "/apollo/api/v1/people/match", json={"email": emails.work_email(77_777)}, headers=key
    )
    assert by_email.status_code == 200 and by_email.headers["X-Sandbox-Cost"] == "0.03"
    record = by_email.json()
    assert shape_differences(record, documented("apollo_people_match"), APOLLO_EXTRAS) == []
    assert record["person"]["title"] == person.title
    lookups = [
        {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "domain": person.company.domain,
        },
        {
            "name": f"{person.first_name} {person.last_name}",
            "organization_name": person.company.name,
        },
        {"linkedin_url": f"https://www.linkedin.com/in/{vanity_name(person)}"},
        {"hashed_email": sha256(emails.work_email(77_777))},
        {"id": record["person"]["id"]},
    ]
    for lookup in lookups:
        found = await http.post("/apollo/api/v1/people/match", json=lookup, headers=key)
        assert found.json()["person"]["id"] == record["person"]["id"], lookup
    query = await http.post(
        "/apollo/api/v1/people/match",
        params={"email": emails.work_email(77_777), "reveal_personal_emails": "true"},
        headers=key,
    )
    assert query.json()["person"]["id"] == record["person"]["id"]


async def test_apollo_misses_and_errors(http):
    key = {"X-Api-Key": "sandbox-key"}
    miss = await http.post(
        "/apollo/api/v1/people/match", json={"email": "nobody@nowhere.example"}, headers=key
    )
    assert miss.json() == {"person": None} and miss.headers["X-Sandbox-Cost"] == "0.00"
    vague = await http.post("/apollo/api/v1/people/match", json={"first_name": "Ann"}, headers=key)
    assert vague.status_code == 422
    refused = await http.post("/apollo/api/v1/people/match", json={"email": "a@b.co"})
    assert refused.status_code == 401
    assert shape_differences(refused.json(), documented("apollo_error")) == []

"""The sandbox's X API v2: app-only tokens, users search with X's query syntax, next_token
paging, user fields, and v2 error shapes."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import httpx
import pytest
from leadgen_common.contracts import Icp, Platform
from leadgen_common.criteria import translate
from leadgen_common.samples import sample_icp_path
from leadgen_devstack.sandbox import SandboxSettings, create_app
from leadgen_devstack.sandbox.personas import archetypes
from leadgen_devstack.sandbox.population import Population, build_population
from leadgen_devstack.sandbox.testing import client, documented, shape_differences
from leadgen_devstack.sandbox.x_search import QueryError, parse

SEARCH = "/twitter/2/users/search"
AUTH = {"Authorization": "Bearer sandbox-key"}
FIELDS = "created_at,description,location,profile_image_url,protected,public_metrics,url,verified"
USER_FIELDS = frozenset(FIELDS.split(","))


def without_parameter_names(body: dict) -> dict:
    """An invalid-request problem with its per-parameter map emptied (its keys are the
    offending parameters' names, which differ from one request to the next)."""
    return {**body, "errors": [{**error, "parameters": {}} for error in body["errors"]]}


def sample_query() -> str:
    icp = Icp.model_validate_json(sample_icp_path().read_text())
    return translate(icp, Platform.TWITTER).criteria["query"]


@pytest.fixture(scope="module")
def population() -> Population:
    return build_population()


@pytest.fixture
async def http(population) -> AsyncIterator[httpx.AsyncClient]:
    async with client(create_app(SandboxSettings(), population)) as session:
        session.headers.update(AUTH)
        yield session


async def test_app_only_token_from_client_credentials(http):
    basic = base64.b64encode(b"sandbox-client:sandbox-secret").decode()
    token = await http.post(
        "/twitter/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert shape_differences(token.json(), documented("twitter_token")) == []
    found = await http.get(
        SEARCH,
        params={"query": "cto"},
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
    )
    assert found.status_code == 200
    wrong = base64.b64encode(b"sandbox-client:nope").decode()
    refused = await http.post(
        "/twitter/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {wrong}"},
    )
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == 99


async def test_missing_credentials_get_a_v2_problem(http):
    response = await http.get(SEARCH, params={"query": "cto"}, headers={"Authorization": ""})
    assert response.status_code == 401
    assert response.json() == documented("twitter_error")


async def test_the_sample_icp_query_ranks_full_matches_first(http, population):
    query = sample_query()
    first = (
        await http.get(SEARCH, params={"query": query, "max_results": 1000, "user.fields": FIELDS})
    ).json()
    assert shape_differences(first, documented("twitter_users_page"), USER_FIELDS) == []
    assert first["meta"]["result_count"] == 1000 and "next_token" in first["meta"]
    user = first["data"][0]
    assert shape_differences({"data": user}, documented("twitter_user")) == []
    titles = ("cto", "vp engineering", "director of engineering", "head of product")
    description = user["description"].lower()
    assert any(t in description for t in titles)
    fit = next(a.index for a in archetypes() if a.id == "icp-fit")
    found = [population.index_of(u["id"]) for u in first["data"]]
    share = sum(population.people_columns.archetype[i] == fit for i in found) / len(found)
    assert share > 0.3  # fits crowd the top


async def test_the_sample_icp_query_fills_a_ten_thousand_prospect_campaign(http):
    ids: list[str] = []
    params = {"query": sample_query(), "max_results": 1000}
    while len(ids) < 10_000:
        body = (await http.get(SEARCH, params=params)).json()
        ids += [user["id"] for user in body["data"]]
        params["next_token"] = body["meta"]["next_token"]
    assert len(set(ids)) == len(ids) == 10_000


async def test_next_token_pages_every_match_exactly_once(http, population):
    query = '"head of product" (SaaS OR cybersecurity) -infosec'
    ids, token, pages = [], None, 0
    while True:
        params = {"query": query, "max_results": 113, **({"next_token": token} if token else {})}
        body = (await http.get(SEARCH, params=params)).json()
        ids += [u["id"] for u in body.get("data", [])]
        assert body["meta"]["result_count"] == len(body.get("data", []))
        pages += 1
        token = body["meta"].get("next_token")
        if token is None:
            break
    assert pages > 1 and len(ids) == len(set(ids))
    for user_id in ids[:: max(1, len(ids) // 50)]:
        person = population.person(population.index_of(user_id))
        assert population.on_x(person.index)
        assert "infosec" not in person.company.industry.bio_terms  # the negated term filters


async def test_only_id_name_and_username_unless_fields_are_asked(http):
    body = (await http.get(SEARCH, params={"query": "cfo", "max_results": 5})).json()
    assert all(set(u) == {"id", "name", "username"} for u in body["data"])
    one = body["data"][0]
    looked_up = await http.get(f"/twitter/2/users/{one['id']}", params={"user.fields": FIELDS})
    assert shape_differences(looked_up.json(), documented("twitter_user")) == []
    assert looked_up.json()["data"]["username"] == one["username"]
    missing = (await http.get("/twitter/2/users/1400000000000000001")).json()
    assert missing["errors"][0]["title"] == "Not Found Error"


async def test_nothing_found_has_no_data(http):
    body = (await http.get(SEARCH, params={"query": '"underwater basket weaving"'})).json()
    assert body == {"meta": {"result_count": 0}}


@pytest.mark.parametrize(
    "params",
    [
        {"query": ""},
        {"query": "cto", "max_results": 1001},
        {"query": "cto -is:retweet"},
        {"query": "(cto"},
        {"query": "x" * 513},
        {"query": "cto", "user.fields": "favourite_colour"},
        {"query": "cto", "next_token": "garbage"},
    ],
)
async def test_invalid_requests_get_the_v2_invalid_request_shape(http, params):
    response = await http.get(SEARCH, params=params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameters"]
    assert (
        shape_differences(
            without_parameter_names(response.json()),
            without_parameter_names(documented("twitter_invalid_request")),
        )
        == []
    )


def test_query_syntax_groups_phrases_and_negations():
    ranked, negated = parse('(CTO OR "VP Engineering") SaaS -"big corp"')
    assert len(ranked) == 2 and len(negated) == 1
    (single,), () = parse("cto OR cfo")
    assert type(single).__name__ == "AnyOf"
    with pytest.raises(QueryError):
        parse("-cto")

"""The sandbox's Facebook: tokens, targeting search, estimates, the people search over a
targeting spec, pages and groups with cursor paging, custom and lookalike audiences."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from leadgen_common.contracts import Icp, Platform
from leadgen_common.criteria import translate
from leadgen_common.samples import sample_icp_path
from leadgen_devstack.sandbox import SandboxSettings, create_app
from leadgen_devstack.sandbox.emails import sha256
from leadgen_devstack.sandbox.geo import CITIES
from leadgen_devstack.sandbox.personas import archetypes
from leadgen_devstack.sandbox.population import Population, build_population, facebook_id
from leadgen_devstack.sandbox.testing import FakeClock, client, documented, shape_differences

V = "/facebook/v19.0"
TOKEN = {"access_token": "sandbox-key"}
#: User fields the sandbox adds to the Graph user node (modeled: the people search).
USER_NODE = {
    "id",
    "name",
    "first_name",
    "last_name",
    "link",
    "about",
    "birthday",
    "location",
    "work",
    "education",
    "interests",
}


def sample_spec() -> dict:
    icp = Icp.model_validate_json(sample_icp_path().read_text())
    return translate(icp, Platform.FACEBOOK).criteria


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


async def get(http: httpx.AsyncClient, path: str, **params) -> httpx.Response:
    return await http.get(f"{V}{path}", params={**TOKEN, **params})


async def every_page(http: httpx.AsyncClient, path: str, **params) -> list[dict]:
    """Follow ``paging.next`` to the end; check the cursors on the way."""
    response = await get(http, path, **params)
    items: list[dict] = []
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        assert shape_differences(
            {"data": [], "paging": body["paging"]},
            documented("facebook_edge_page"),
            frozenset({"previous"}),
        ) in ([], ["$.paging.next: missing"])
        items += body["data"]
        if "next" not in body["paging"]:
            assert len(items) == body["summary"]["total_count"]
            return items
        response = await http.get(body["paging"]["next"])


# -- tokens and errors -----------------------------------------------------------------------------


async def test_client_credentials_and_app_tokens(http):
    token = await http.get(
        f"{V}/oauth/access_token",
        params={
            "client_id": "sandbox-client",
            "client_secret": "sandbox-secret",
            "grant_type": "client_credentials",
        },
    )
    assert token.status_code == 200
    assert shape_differences(token.json(), documented("facebook_access_token")) == []
    for credential in (token.json()["access_token"], "sandbox-client|sandbox-secret"):
        found = await http.get(
            f"{V}/search", params={"type": "adinterest", "q": "devops", "access_token": credential}
        )
        assert found.status_code == 200
    bearer = await http.get(
        f"{V}/search",
        params={"type": "adinterest", "q": "devops"},
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
    )
    assert bearer.status_code == 200


async def test_missing_bad_and_expired_tokens_are_graph_errors(population):
    clock = FakeClock()
    async with client(create_app(SandboxSettings(token_ttl_s=60), population, clock=clock)) as http:
        missing = await http.get(f"{V}/search", params={"type": "adinterest"})
        token = (
            await http.get(
                f"{V}/oauth/access_token",
                params={
                    "client_id": "sandbox-client",
                    "client_secret": "sandbox-secret",
                    "grant_type": "client_credentials",
                },
            )
        ).json()["access_token"]
        clock.now += 61
        expired = await http.get(
            f"{V}/search", params={"type": "adinterest", "access_token": token}
        )
        wrong = await http.get(
            f"{V}/oauth/access_token",
            params={
                "client_id": "sandbox-client",
                "client_secret": "nope",
                "grant_type": "client_credentials",
            },
        )
    assert missing.status_code == 400 and missing.json()["error"]["code"] == 104
    assert shape_differences(expired.json(), documented("facebook_error")) == []
    assert (expired.json()["error"]["code"], expired.json()["error"]["error_subcode"]) == (190, 463)
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == 190


async def test_unknown_objects_versions_and_specs_are_refused(http):
    unknown = await get(http, "/123456789")
    assert unknown.status_code == 400 and unknown.json()["error"]["error_subcode"] == 33
    assert (await http.get("/facebook/latest/search", params=TOKEN)).status_code == 400
    for spec in ("not json", "[1]", json.dumps({"age_min": 70}), json.dumps({"colour": "blue"})):
        bad = await get(http, "/search", type="user", targeting_spec=spec)
        assert bad.status_code == 400 and bad.json()["error"]["code"] == 100, spec


# -- targeting search and estimates ----------------------------------------------------------------


async def test_targeting_search_returns_the_documented_interest_shape(http):
    body = (await get(http, "/search", type="adinterest", q="devops")).json()
    assert shape_differences(body, documented("facebook_targeting_search")) == []
    (devops,) = [e for e in body["data"] if e["name"] == "DevOps"]
    assert devops["id"] == "6003100000002"  # the shared catalogue's id, as the translator sends
    assert 0 < devops["audience_size_lower_bound"] < devops["audience_size_upper_bound"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "adworkposition", "q": "chief technology"}, "Chief Technology Officer"),
        ({"type": "adworkemployer", "q": "{employer}"}, "{employer}"),
        ({"type": "adeducationmajor", "q": "computer"}, "Computer Science"),
        (
            {"type": "adTargetingCategory", "class": "behaviors", "q": "decision"},
            "Business decision makers",
        ),
        (
            {"type": "adTargetingCategory", "class": "industries", "q": "it and"},
            "IT and Technical Services",
        ),
        ({"type": "adgeolocation", "q": "san fran", "location_types": '["city"]'}, "San Francisco"),
    ],
)
async def test_targeting_search_finds_every_kind(http, population, params, expected):
    employer = population.company(0).name
    params = {k: v.replace("{employer}", employer) for k, v in params.items()}
    body = (await get(http, "/search", **params)).json()
    names = [entry["name"] for entry in body["data"]]
    assert expected.replace("{employer}", employer) in names


async def test_reach_and_delivery_estimates_follow_the_documented_shapes(http):
    spec = json.dumps(sample_spec())
    reach = (await get(http, "/act_1234/reachestimate", targeting_spec=spec)).json()
    assert shape_differences(reach, documented("facebook_reachestimate")) == []
    delivery = (await get(http, "/act_1234/delivery_estimate", targeting_spec=spec)).json()
    assert shape_differences(delivery, documented("facebook_delivery_estimate")) == []
    assert 0 < reach["data"]["users_lower_bound"] < reach["data"]["users_upper_bound"]
    narrower = json.dumps({**sample_spec(), "age_min": 50, "age_max": 52})
    smaller = (await get(http, "/act_1234/reachestimate", targeting_spec=narrower)).json()
    assert smaller["data"]["users_upper_bound"] < reach["data"]["users_upper_bound"]
    nowhere = await get(http, "/act_1234/reachestimate", targeting_spec=json.dumps({"age_min": 30}))
    assert nowhere.status_code == 400


# -- the people search -----------------------------------------------------------------------------


async def test_the_sample_icp_spec_ranks_fits_first_within_age_and_geography(http, population):
    spec = sample_spec()
    first = (
        await get(http, "/search", type="user", targeting_spec=json.dumps(spec), limit=100)
    ).json()
    summary = first["summary"]
    assert summary["total_count"] >= 10_000 and summary["full_match_count"] > 0
    fit = next(a.index for a in archetypes() if a.id == "icp-fit")
    fits_on_facebook = sum(
        1
        for i, a in enumerate(population.people_columns.archetype)
        if a == fit and population.on_facebook(i)
    )
    assert summary["total_count"] >= fits_on_facebook
    for user in first["data"]:
        assert set(user) == USER_NODE | {"matched_targeting"}
        index = population.index_of(user["id"])
        assert 35 <= population.people_columns.age[index] <= 55
        assert CITIES[population.people_columns.city[index]].country_code in {"US", "GB", "CA"}
    counts = [len(u["matched_targeting"]) for u in first["data"]]
    assert counts == sorted(counts, reverse=True)


async def test_cursor_paging_returns_every_match_exactly_once(http, population):
    spec = {
        "age_min": 30,
        "age_max": 40,
        "geo_locations": {"countries": ["AU", "NZ"]},
        "work_positions": [{"id": "109000000000002", "name": "Chief Technology Officer"}],
        "interests": [{"id": "6003100000002", "name": "DevOps"}],
    }
    users = await every_page(
        http, "/search", type="user", targeting_spec=json.dumps(spec), limit=37
    )
    ids = [u["id"] for u in users]
    assert len(ids) == len(set(ids)) > 37
    columns = population.people_columns
    expected = {
        facebook_id(i)
        for i in range(population.size)
        if population.on_facebook(i)
        and 30 <= columns.age[i] <= 40
        and CITIES[columns.city[i]].country_code in ("AU", "NZ")
    }
    # Everyone in the hard filter who matches at least one of the two fields.
    assert set(ids) <= expected and len(ids) < len(expected)
    matched = [len(u["matched_targeting"]) for u in users]
    assert matched == sorted(matched, reverse=True)


async def test_flexible_spec_and_exclusions(http, population):
    base = {"age_min": 18, "age_max": 65, "geo_locations": {"countries": ["IE"]}}
    behaviors = [{"id": "6002100000005", "name": "Business decision makers"}]
    plain = (
        await get(
            http,
            "/search",
            type="user",
            targeting_spec=json.dumps({**base, "flexible_spec": [{"behaviors": behaviors}]}),
        )
    ).json()
    excluded = (
        await get(
            http,
            "/search",
            type="user",
            targeting_spec=json.dumps(
                {
                    **base,
                    "exclusions": {"behaviors": behaviors},
                    "flexible_spec": [{"behaviors": behaviors}],
                }
            ),
        )
    ).json()
    assert plain["summary"]["total_count"] > 0
    assert plain["data"][0]["matched_targeting"] == ["flexible_spec[0]"]
    assert excluded["summary"]["total_count"] == 0 and excluded["data"] == []


# -- pages, groups and their people ----------------------------------------------------------------


async def test_page_followers_and_group_members_page_with_cursors(http, population):
    pages = (await get(http, "/pages/search", q="DevOps")).json()["data"]
    (page,) = [p for p in pages if p["name"] == "DevOps"]
    node = (await get(http, f"/{page['id']}")).json()
    assert node["followers_count"] > 1_000
    followers = await every_page(
        http,
        f"/{page['id']}/followers",
        limit=100,
        targeting_spec=json.dumps(
            {"geo_locations": {"countries": ["NZ"]}, "age_min": 18, "age_max": 65}
        ),
    )
    assert all(
        "DevOps" in {i["name"] for i in u["interests"]["data"]}
        and u["location"]["name"].startswith("Auckland")
        for u in followers
    )
    groups = (await get(http, "/search", type="group", q="DevOps")).json()["data"]
    (group,) = [g for g in groups if g["name"] == "DevOps Professionals"]
    first = (await get(http, f"/{group['id']}/members", limit=25)).json()
    members = first["summary"]["total_count"]
    assert 0 < members < node["followers_count"]
    ids = [u["id"] for u in first["data"]]
    assert ids == sorted(ids, key=lambda i: population.index_of(i))  # by id without a spec
    second = (await http.get(first["paging"]["next"])).json()
    assert not set(ids) & {u["id"] for u in second["data"]}
    back = (await http.get(second["paging"]["previous"])).json()
    assert [u["id"] for u in back["data"]] == ids
    tampered = await get(
        http, f"/{page['id']}/followers", after=first["paging"]["cursors"]["after"]
    )
    assert tampered.status_code == 400


async def test_a_user_node_reads_one_person(http, population):
    index = next(i for i in range(population.size) if population.on_facebook(i))
    user = (await get(http, f"/{facebook_id(index)}")).json()
    person = population.person(index)
    assert set(user) == USER_NODE
    assert user["name"] == f"{person.first_name} {person.last_name}"
    assert user["work"][0]["employer"]["name"] == person.company.name
    assert user["work"][0]["position"]["name"] in (
        person.title,
        user["work"][0]["position"]["name"],
    )
    assert int(user["birthday"]) == 2025 - person.age


# -- audiences -------------------------------------------------------------------------------------


async def test_a_lookalike_of_uploaded_leads_reports_its_approximate_count(app, http, population):
    fit = next(a.index for a in archetypes() if a.id == "icp-fit")
    seeds = [i for i, a in enumerate(population.people_columns.archetype) if a == fit][:120]
    emails = app.state.context.emails
    created = await http.post(
        f"{V}/act_1234/customaudiences",
        data={
            **TOKEN,
            "name": "best leads",
            "subtype": "CUSTOM",
            "customer_file_source": "USER_PROVIDED_ONLY",
        },
    )
    assert shape_differences(created.json(), documented("facebook_create_audience")) == []
    seed = created.json()["id"]
    payload = {"schema": "EMAIL_SHA256", "data": [sha256(emails.work_email(i)) for i in seeds]}
    added = await http.post(f"{V}/{seed}/users", data={**TOKEN, "payload": json.dumps(payload)})
    assert shape_differences(added.json(), documented("facebook_audience_users")) == []
    assert (added.json()["num_received"], added.json()["num_invalid_entries"]) == (120, 0)
    lookalike = await http.post(
        f"{V}/act_1234/customaudiences",
        data={
            **TOKEN,
            "name": "like best leads",
            "subtype": "LOOKALIKE",
            "origin_audience_id": seed,
            "lookalike_spec": json.dumps({"type": "similarity", "country": "US", "ratio": 0.01}),
        },
    )
    assert lookalike.status_code == 200, lookalike.text
    node = (await get(http, f"/{lookalike.json()['id']}")).json()
    assert shape_differences(node, documented("facebook_custom_audience")) == []
    assert node["approximate_count_lower_bound"] > 120 * 250


async def test_a_lookalike_needs_a_big_enough_seed_and_a_country(http):
    seed = (
        await http.post(f"{V}/act_1/customaudiences", data={**TOKEN, "subtype": "CUSTOM"})
    ).json()["id"]
    await http.post(
        f"{V}/{seed}/users", data={**TOKEN, "payload": json.dumps({"schema": "UID", "data": ["1"]})}
    )
    small = await http.post(
        f"{V}/act_1/customaudiences",
        data={
            **TOKEN,
            "subtype": "LOOKALIKE",
            "origin_audience_id": seed,
            "lookalike_spec": json.dumps({"country": "US", "ratio": 0.01}),
        },
    )
    assert small.status_code == 400 and "too small" in small.json()["error"]["message"]
    no_country = await http.post(
        f"{V}/act_1/customaudiences",
        data={**TOKEN, "subtype": "LOOKALIKE", "origin_audience_id": seed, "lookalike_spec": "{}"},
    )
    assert no_country.status_code == 400

"""The Facebook adapter against the real sandbox app in process: people search over the
targeting spec, then page followers and group members, cursor paging across sources,
resuming from a stored token, mapping, auth and 429s. The rate limiter is a real one."""

from __future__ import annotations

import json

import httpx
import pytest
from leadgen_common.contracts import Icp, Platform
from leadgen_common.criteria import translate
from leadgen_common.samples import sample_icp_path
from leadgen_discovery.adapters.facebook import FacebookPeopleSearch, Position, sources
from leadgen_discovery.adapters.platform_api import NO_WAITS
from leadgen_discovery.ports import PageRequest, PlatformUnavailable, SearchPage
from pydantic import SecretStr

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def facebook(sandbox, make_api):
    """``facebook(token=..., **sandbox_settings)``: (sandbox client, adapter)."""

    def make(token: str = "sandbox-key", **settings):
        http = sandbox(**settings)
        search = FacebookPeopleSearch(
            make_api(Platform.FACEBOOK, http),
            base_url="http://sandbox/facebook",
            api_version="v19.0",
            access_token=SecretStr(token),
        )
        return http, search

    return make


def sample_spec() -> dict:
    icp = Icp.model_validate_json(sample_icp_path().read_text())
    return translate(icp, Platform.FACEBOOK).criteria


async def every_page(search, criteria, count: int = 100, token: str | None = None, start=0):
    pages: list[SearchPage] = []
    while True:
        result = await search.search(criteria, PageRequest(start, token, count), NO_WAITS)
        pages.append(result)
        start, token = start + result.consumed, result.next_token
        if result.exhausted:
            return pages


async def test_pages_every_source_in_turn_to_the_end(facebook):
    http, search = facebook()
    criteria, warnings = search.usable(sample_spec())
    async with http:
        pages = await every_page(search, criteria)

    assert warnings == []
    found = [item for result in pages for item in result.found]
    assert [item.rank for item in found] == list(range(len(found)))
    positions = [Position.decode(result.next_token) for result in pages[:-1]]
    visited = [position.source for position in positions]
    assert visited == sorted(visited) and visited[0] == 0  # people first, then each source
    assert max(visited) > len(criteria["interests"])  # reached the groups' members
    assert pages[-1].exhausted and pages[-1].next_token is None
    ids = [item.profile.platform_profile_id for item in found]
    # Followers and members repeat people of the people search: the seen set's job.
    assert len(set(ids)) < len(ids)


async def test_a_stored_token_resumes_exactly_where_paging_stopped(facebook):
    http, search = facebook()
    criteria = sample_spec()
    async with http:
        straight = await every_page(search, criteria, count=60)
        middle = 9  # somewhere in the followers of a page
        resumed = await every_page(
            search,
            criteria,
            count=60,
            token=straight[middle - 1].next_token,
            start=sum(p.consumed for p in straight[:middle]),
        )

    def ids(pages):
        return [(f.rank, f.profile.platform_profile_id) for p in pages for f in p.found]

    assert ids(resumed) == ids(straight[middle:])


async def test_people_come_with_their_work_place_and_interests(facebook):
    http, search = facebook()
    async with http:
        result = await search.search(sample_spec(), PageRequest(0, None, 5), NO_WAITS)
        node_id = result.found[0].profile.platform_profile_id
        node = (
            await http.get(
                f"/facebook/v19.0/{node_id}", headers={"Authorization": "Bearer sandbox-key"}
            )
        ).json()

    profile = result.found[0].profile
    assert profile.platform is Platform.FACEBOOK
    assert (profile.name, profile.profile_url) == (node["name"], node["link"])
    assert profile.title == node["work"][0]["position"]["name"]
    assert profile.company_name == node["work"][0]["employer"]["name"]
    assert profile.location == node["location"]["name"]
    assert profile.summary == node["about"]
    assert profile.skills == [entry["name"] for entry in node["interests"]["data"]]


async def test_an_interest_without_a_page_or_group_is_skipped(facebook):
    http, search = facebook()
    spec = {
        "age_min": 30,
        "geo_locations": {"countries": ["US"]},
        "interests": [{"id": "0", "name": "Underwater basket weaving"}],
    }
    assert [s.kind for s in sources(spec)] == ["people", "followers", "members"]
    async with http:
        pages = await every_page(search, spec, count=100)
    assert {Position.decode(p.next_token).source for p in pages[:-1]} <= {0}
    assert pages[-1].exhausted


def test_keys_that_are_no_targeting_field_become_warnings():
    search = FacebookPeopleSearch(
        None, base_url="http://fb.test", api_version="v19.0", access_token=SecretStr("k")
    )
    sent, warnings = search.usable({"age_min": 35, "keywords": ["devops"]})
    assert sent == {"age_min": 35}
    assert warnings == ["facebook: keywords ['devops'] is not a targeting spec field; not searched"]


async def test_a_bad_access_token_fails_the_platform_with_graphs_reason(facebook):
    http, search = facebook(token="stolen", api_keys=["sandbox-key"])
    async with http:
        with pytest.raises(PlatformUnavailable, match="HTTP 400 Invalid OAuth access token"):
            await search.search(sample_spec(), PageRequest(0, None, 10), NO_WAITS)


async def test_a_429_waits_its_retry_after_then_continues(facebook, fake_time):
    http, search = facebook(rate_limit_per_min=2)
    criteria = sample_spec()
    async with http:
        first = await search.search(criteria, PageRequest(0, None, 10), NO_WAITS)
        second = await search.search(criteria, PageRequest(10, first.next_token, 10), NO_WAITS)
        third = await search.search(criteria, PageRequest(20, second.next_token, 10), NO_WAITS)
    assert [f.rank for f in third.found] == list(range(20, 30))
    assert len(fake_time.slept) == 1 and 0 < fake_time.slept[0] <= 60


async def test_the_targeting_spec_travels_whole_and_the_token_in_a_header(make_api):
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": [], "paging": {}})

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    search = FacebookPeopleSearch(
        make_api(Platform.FACEBOOK, http),
        base_url="http://fb.test",
        api_version="v19.0",
        access_token=SecretStr("EAAsecret"),
    )
    spec = {"age_min": 35, "geo_locations": {"countries": ["US"]}}
    result = await search.search(spec, PageRequest(0, None, 10), NO_WAITS)

    assert result.exhausted and result.found == []
    [request] = seen
    assert request.url.path == "/v19.0/search"
    assert json.loads(request.url.params["targeting_spec"]) == spec
    assert request.url.params["type"] == "user"
    assert request.headers["authorization"] == "Bearer EAAsecret"
    assert "EAAsecret" not in str(request.url)

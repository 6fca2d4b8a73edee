"""The X adapter against the real sandbox app in process: users search paged with
next_token, mapping, warnings, auth and 429s. The rate limiter is a real one."""

from __future__ import annotations

import httpx
import pytest
from leadgen_common.contracts import Icp, Platform
from leadgen_common.criteria import translate
from leadgen_common.samples import sample_icp_path
from leadgen_discovery.adapters.platform_api import NO_WAITS
from leadgen_discovery.adapters.twitter import TwitterPeopleSearch, role_in
from leadgen_discovery.ports import PageRequest, PlatformUnavailable
from pydantic import SecretStr

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def twitter(sandbox, make_api):
    """``twitter(token=..., **sandbox_settings)``: (sandbox client, adapter)."""

    def make(token: str = "sandbox-key", **settings):
        http = sandbox(**settings)
        search = TwitterPeopleSearch(
            make_api(Platform.TWITTER, http),
            base_url="http://sandbox/twitter",
            bearer_token=SecretStr(token),
        )
        return http, search

    return make


def sample_criteria() -> dict:
    icp = Icp.model_validate_json(sample_icp_path().read_text())
    return translate(icp, Platform.TWITTER).criteria


async def test_pages_the_sample_query_with_next_token_each_user_once(twitter):
    http, search = twitter()
    criteria, _ = search.usable(sample_criteria())
    pages, start, token = [], 0, None
    async with http:
        while True:
            result = await search.search(criteria, PageRequest(start, token, 100), NO_WAITS)
            pages.append(result)
            start, token = start + result.consumed, result.next_token
            if result.exhausted:
                break

    found = [item for result in pages for item in result.found]
    assert len(pages) > 2 and all(p.next_token for p in pages[:-1])
    assert pages[-1].next_token is None
    assert [item.rank for item in found] == list(range(len(found)))
    ids = [item.profile.platform_profile_id for item in found]
    assert len(set(ids)) == len(ids)


async def test_maps_an_x_user_to_a_profile(twitter):
    http, search = twitter()
    criteria, _ = search.usable(sample_criteria())
    async with http:
        result = await search.search(criteria, PageRequest(0, None, 3), NO_WAITS)
        user_id = result.found[0].profile.platform_profile_id
        user = (
            await http.get(
                f"/twitter/2/users/{user_id}",
                params={"user.fields": "description,location,public_metrics"},
                headers={"Authorization": "Bearer sandbox-key"},
            )
        ).json()["data"]

    profile = result.found[0].profile
    assert profile.platform is Platform.TWITTER
    assert profile.profile_url == f"https://x.com/{user['username']}"
    assert (profile.name, profile.location) == (user["name"], user["location"])
    assert profile.summary == user["description"]
    assert (profile.title, profile.company_name) == role_in(user["description"])
    assert profile.title is not None
    assert profile.activity["followers"] == user["public_metrics"]["followers_count"]


def test_the_query_is_sent_its_parts_are_not_warned_about_posts_query_is():
    search = TwitterPeopleSearch(None, base_url="http://x.test", bearer_token=SecretStr("k"))
    criteria = sample_criteria()
    sent, warnings = search.usable(criteria)
    assert sent == {"query": criteria["query"]}
    assert warnings == ["twitter: postsQuery is not a users-search filter; not searched"]
    assert search.usable({"titles": ["CTO"]}) == ({}, [])


@pytest.mark.parametrize(
    ("bio", "role"),
    [
        ("Director of Engineering @bluewave | cloud", ("Director of Engineering", "bluewave")),
        ("CTO at Acme, building things", ("CTO", "Acme")),
        ("Head of Growth at Stripe; ex-Google", ("Head of Growth", "Stripe")),
        ("I look at things", (None, None)),
        ("@handle fan account", (None, None)),
        ("", (None, None)),
    ],
)
def test_a_role_is_read_from_bios_that_open_with_one(bio, role):
    assert role_in(bio) == role


async def test_no_query_means_nothing_to_search_and_no_call(twitter):
    http, search = twitter()
    async with http:
        result = await search.search({}, PageRequest(0, None, 10), NO_WAITS)
    assert result.exhausted and result.consumed == 0


async def test_a_bad_bearer_token_fails_the_platform(twitter):
    http, search = twitter(token="stolen", api_keys=["sandbox-key"])
    async with http:
        with pytest.raises(PlatformUnavailable, match="twitter users search refused: HTTP 401"):
            await search.search({"query": "CTO"}, PageRequest(0, None, 10), NO_WAITS)


async def test_an_invalid_query_fails_with_xs_reason(make_api):
    problem = {
        "errors": [{"parameters": {"query": ["(("]}, "message": "unbalanced parentheses"}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
    }
    http = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda _: httpx.Response(400, json=problem))
    )
    search = TwitterPeopleSearch(
        make_api(Platform.TWITTER, http), base_url="http://x.test", bearer_token=SecretStr("k")
    )
    with pytest.raises(PlatformUnavailable, match="HTTP 400 unbalanced parentheses"):
        await search.search({"query": "(("}, PageRequest(0, None, 10), NO_WAITS)


async def test_a_429_waits_its_retry_after_then_continues(twitter, fake_time):
    http, search = twitter(rate_limit_per_min=2)
    criteria, _ = search.usable(sample_criteria())
    token, start = None, 0
    async with http:
        for _ in range(3):
            result = await search.search(criteria, PageRequest(start, token, 10), NO_WAITS)
            assert [f.rank for f in result.found] == list(range(start, start + 10))
            start, token = start + result.consumed, result.next_token
    assert len(fake_time.slept) == 1 and 0 < fake_time.slept[0] <= 60

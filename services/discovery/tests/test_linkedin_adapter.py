"""The LinkedIn adapter against the real sandbox app in process (httpx.ASGITransport):
OAuth client credentials, paging, mapping, filters, 429s and token refresh; and against
scripted answers for 5xx, timeouts and junk. The rate limiter is a real one (Valkey).

``fake_time`` drives the sandbox (its per-minute quota, its token expiry) and the
adapter's sleeps and token cache, so waiting out a Retry-After or a token's life costs
no wall time.
"""

from __future__ import annotations

import httpx
import pytest
from leadgen_common.contracts import Icp, Platform
from leadgen_common.criteria import translate
from leadgen_common.samples import sample_icp_path
from leadgen_discovery.adapters.linkedin import LinkedInPeopleSearch
from leadgen_discovery.adapters.oauth import ClientCredentials
from leadgen_discovery.adapters.platform_api import NO_WAITS, PlatformApi
from leadgen_discovery.ports import PageRequest, PlatformUnavailable, SearchPage
from pydantic import SecretStr

pytestmark = pytest.mark.timeout(60)
BASE = "http://sandbox/linkedin"


class StoppedClock:
    @staticmethod
    def clock() -> float:
        return 0.0


def sample_criteria() -> dict:
    icp = Icp.model_validate_json(sample_icp_path().read_text())
    return translate(icp, Platform.LINKEDIN).criteria


def adapter(api: PlatformApi, time, base: str, secret: str = "sandbox-secret"):
    credentials = ClientCredentials(
        api,
        token_url=f"{base}/oauth/v2/accessToken",
        client_id=SecretStr("sandbox-client"),
        client_secret=SecretStr(secret),
        refresh_margin_s=60,
        clock=time.clock,
    )
    return LinkedInPeopleSearch(api, base_url=base, credentials=credentials)


@pytest.fixture
def linkedin(sandbox, make_api, fake_time):
    """``linkedin(secret=..., **sandbox_settings)``: (sandbox client, adapter)."""

    def make(secret: str = "sandbox-secret", **settings):
        http = sandbox(**settings)
        return http, adapter(make_api(Platform.LINKEDIN, http), fake_time, BASE, secret)

    return make


@pytest.fixture
def scripted(make_api, fake_time):
    """``scripted(*answers)``: an adapter whose searches get ``answers`` in turn (a
    Response or an exception); the token endpoint always answers."""

    def make(*answers):
        script = list(answers)
        seen: list[httpx.Request] = []

        def answer(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/accessToken"):
                return httpx.Response(200, json={"access_token": "tok", "expires_in": 1800})
            seen.append(request)
            reply = script.pop(0)
            if isinstance(reply, Exception):
                raise reply
            return reply

        http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
        api = make_api(Platform.LINKEDIN, http)
        return adapter(api, fake_time, "http://li.test"), seen, fake_time

    return make


def page(elements: list[dict], total: int) -> httpx.Response:
    return httpx.Response(200, json={"elements": elements, "paging": {"total": total}})


async def search_page(search: LinkedInPeopleSearch, criteria, start: int, count: int):
    return await search.search(criteria, PageRequest(start, None, count), NO_WAITS)


async def every_page(search, criteria, count: int = 50) -> list[SearchPage]:
    pages, start = [], 0
    while True:
        result = await search_page(search, criteria, start, count)
        pages.append(result)
        start += result.consumed
        if result.exhausted:
            return pages


async def test_pages_the_sample_icp_to_exhaustion_each_person_once(linkedin):
    http, search = linkedin()
    criteria, warnings = search.usable(sample_criteria())
    async with http:
        pages = await every_page(search, criteria)

    found = [item for result in pages for item in result.found]
    assert [item.rank for item in found] == list(range(len(found)))
    ids = [item.profile.platform_profile_id for item in found]
    assert len(set(ids)) == len(ids) > 50
    assert all(result.next_token is None for result in pages)  # offset paging
    assert warnings == []  # every criterion of the sample ICP is a filter LinkedIn takes


async def test_sends_names_or_ids_and_never_warns_about_their_twins(scripted):
    criteria = {
        "titles": ["CTO"],
        "seniorities": ["CXO"],
        "seniorityIds": ["8"],
        "locations": ["United States"],
        "geoIds": ["103644278"],
        "industries": ["Computer Software"],
        "industryIds": ["4"],
        "activityLevel": "high",
    }
    search, seen, _ = scripted(page([], 0), page([], 0))
    sent, warnings = search.usable(criteria)
    assert warnings == []
    await search_page(search, sent, 0, 10)
    by_ids = LinkedInPeopleSearch(
        search.api, base_url="http://li.test", credentials=search.credentials, filter_values="ids"
    )
    sent_ids, id_warnings = by_ids.usable(criteria)
    assert id_warnings == []
    await search_page(by_ids, sent_ids, 0, 10)

    names, ids = (request.url.params for request in seen)
    assert (names.get_list("seniority"), names.get_list("geo")) == (["CXO"], ["United States"])
    assert names.get_list("industry") == ["Computer Software"]
    assert names.get_list("activityLevel") == ["high"] and "geoId" not in names
    assert (ids.get_list("seniority"), ids.get_list("geoId")) == (["8"], ["103644278"])
    assert ids.get_list("industryId") == ["4"] and "geo" not in ids


async def test_seniority_and_activity_filters_reach_the_sandbox(linkedin, population):
    http, search = linkedin()
    async with http:
        result = await search_page(search, {"seniorities": ["CXO"], "activityLevel": "high"}, 0, 50)
        raw = await http.get(
            "/linkedin/v2/people/search",
            params={"seniority": "CXO", "activityLevel": "high", "count": 50},
            headers={"Authorization": f"Bearer {await search.credentials.bearer()}"},
        )
    full = raw.json()["metadata"]["fullMatchTotal"]
    assert 0 < full < len(population.people)
    assert [f.profile.platform_profile_id for f in result.found] == [
        element["id"] for element in raw.json()["elements"]
    ]


async def test_maps_the_linkedin_member_shape_to_a_profile(linkedin):
    http, search = linkedin()
    async with http:
        result = await search_page(search, {"titles": ["CTO"]}, 0, 5)
        member = (
            await http.get(
                "/linkedin/v2/people/" + result.found[0].profile.platform_profile_id,
                headers={"Authorization": f"Bearer {await search.credentials.bearer()}"},
            )
        ).json()

    profile = result.found[0].profile
    current = next(p for p in member["positions"] if p["isCurrent"])
    assert profile.platform is Platform.LINKEDIN
    assert profile.name == f"{member['localizedFirstName']} {member['localizedLastName']}"
    assert profile.profile_url == member["publicProfileUrl"]
    assert (profile.title, profile.company_name) == (current["title"], current["companyName"])
    assert profile.company_domain == current["company"]["domain"]
    assert profile.location == member["location"]["localizedName"]
    assert profile.industry == member["industryName"]
    assert profile.skills == member["skills"]
    assert profile.activity["posts_last_30d"] == member["activity"]["postsLast30Days"]
    assert "CTO" in profile.title


def test_criteria_the_search_cannot_send_become_warnings(scripted):
    search, _, _ = scripted()
    sent, warnings = search.usable({"titles": ["CTO"], "education": ["MBA"]})
    assert sent == {"titles": ["CTO"]}
    assert warnings == ["linkedin: education ['MBA'] is not a people-search filter; not searched"]


async def test_a_429_waits_its_retry_after_then_continues(linkedin, fake_time):
    time = fake_time
    http, search = linkedin(rate_limit_per_min=2)
    async with http:
        for start in (0, 10, 20):  # the third request of the minute is refused once
            result = await search_page(search, {}, start, 10)
            assert [f.rank for f in result.found] == list(range(start, start + 10))
    assert len(time.slept) == 1 and 0 < time.slept[0] <= 60


async def test_a_token_is_fetched_again_before_it_expires(linkedin, fake_time):
    time = fake_time
    http, search = linkedin(token_ttl_s=600)
    async with http:
        await search_page(search, {"titles": ["CTO"]}, 0, 5)
        time.now += 600 - 61
        await search_page(search, {"titles": ["CTO"]}, 5, 5)
        assert search.credentials.fetched == 1
        time.now += 2  # within the 60 s margin
        await search_page(search, {"titles": ["CTO"]}, 10, 5)
    assert search.credentials.fetched == 2


async def test_a_token_the_api_calls_expired_is_replaced_and_the_search_goes_on(
    sandbox, make_api, fake_time
):
    http = sandbox(token_ttl_s=600)
    # The adapter's clock stands still: it believes its token fresh (skew, a revoked token).
    search = adapter(make_api(Platform.LINKEDIN, http), StoppedClock(), BASE)
    async with http:
        await search_page(search, {"titles": ["CTO"]}, 0, 5)
        fake_time.now += 601
        result = await search_page(search, {"titles": ["CTO"]}, 5, 5)
    assert [f.rank for f in result.found] == [5, 6, 7, 8, 9]
    assert search.credentials.fetched == 2


async def test_wrong_client_credentials_fail_the_platform(linkedin):
    http, search = linkedin(secret="wrong")
    async with http:
        with pytest.raises(PlatformUnavailable, match="HTTP 401 Client authentication failed"):
            await search_page(search, {}, 0, 10)


async def test_5xx_and_timeouts_are_retried_with_growing_delays(scripted):
    search, seen, time = scripted(
        httpx.Response(503),
        httpx.ReadTimeout("slow"),
        page([{"id": "li-1", "localizedFirstName": "Ada", "publicProfileUrl": "u"}], 1),
    )
    result = await search_page(search, {}, 0, 10)
    assert [f.profile.platform_profile_id for f in result.found] == ["li-1"]
    assert result.exhausted
    assert len(seen) == 3
    assert 0.5 <= time.slept[0] <= 0.625 and 1.0 <= time.slept[1] <= 1.25  # jittered doubling


async def test_a_platform_that_keeps_failing_is_unavailable_with_the_reason(scripted):
    search, seen, _ = scripted(httpx.Response(502), httpx.Response(502), httpx.Response(503))
    with pytest.raises(PlatformUnavailable, match="HTTP 503 after 3 attempts"):
        await search_page(search, {}, 0, 10)
    assert len(seen) == 3


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (httpx.Response(400, json={"message": "company size 'x'"}), "HTTP 400 company size"),
        (httpx.Response(429, headers={"Retry-After": "3600"}), "Retry-After 3600s is too long"),
        (httpx.Response(200, text="<html>"), "malformed answer"),
    ],
)
async def test_answers_not_worth_retrying_fail_at_once(scripted, answer, reason):
    search, seen, _ = scripted(answer)
    with pytest.raises(PlatformUnavailable, match=reason):
        await search_page(search, {}, 0, 10)
    assert len(seen) == 1


async def test_a_401_with_a_fresh_token_fails_after_one_refresh(scripted):
    refused = httpx.Response(401, json={"message": "Invalid access token"})
    search, seen, _ = scripted(refused, refused)
    with pytest.raises(PlatformUnavailable, match="HTTP 401 Invalid access token"):
        await search_page(search, {}, 0, 10)
    assert len(seen) == 2


async def test_an_unusable_member_is_skipped_but_the_cursor_moves_past_it(scripted):
    search, _, _ = scripted(
        page([{"localizedFirstName": "no id"}, {"id": "li-2", "publicProfileUrl": "u"}], 10),
    )
    result = await search_page(search, {}, 4, 2)
    assert [(f.rank, f.profile.platform_profile_id) for f in result.found] == [(5, "li-2")]
    assert (result.consumed, result.exhausted) == (2, False)


def test_an_unusable_result_is_skipped_without_logging_its_personal_data(caplog):
    """pydantic's message quotes the input; the log line says only where and how it failed."""
    from leadgen_discovery.adapters.linkedin import _profile

    element = {
        "id": "m-1",
        "localizedFirstName": "Ann",
        "localizedLastName": "Private-Person",
        "publicProfileUrl": "https://www.linkedin.com/in/ann-private-person",
        "localizedHeadline": ["Ann Private-Person builds things"],  # not a string: unusable
    }
    with caplog.at_level("WARNING", logger="leadgen_discovery.adapters.linkedin"):
        assert _profile(element) is None
    [record] = caplog.records
    line = record.getMessage()
    assert "skipping an unusable linkedin search result" in line
    assert "headline" in line and "ValidationError" in line
    assert "Private-Person" not in line and "ann-private-person" not in line

"""The LinkedIn adapter: against the real sandbox app in process (httpx.ASGITransport)
for paging, mapping and 429s, and against scripted answers for 5xx, timeouts and junk.

One clock drives the sandbox's per-minute budget and the adapter's sleeps, so waiting
out a Retry-After costs no wall time.
"""

from __future__ import annotations

import httpx
import pytest
from leadgen_common.contracts import Icp, Platform
from leadgen_common.criteria import translate
from leadgen_common.http_retry import RetryPolicy
from leadgen_common.samples import sample_icp_path
from leadgen_devstack.sandbox.app import create_app
from leadgen_devstack.sandbox.population import build_population
from leadgen_devstack.sandbox.settings import SandboxSettings
from leadgen_discovery.adapters.linkedin import LinkedInPeopleSearch
from leadgen_discovery.ports import PlatformUnavailable
from pydantic import SecretStr

SAMPLE_ICP = sample_icp_path()
POLICY = RetryPolicy(attempts=3, backoff_s=0.5, max_backoff_s=4, max_retry_after_s=90, jitter=0.25)


class Time:
    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(scope="module")
def population():
    return build_population(400)


def sample_criteria() -> dict:
    icp = Icp.model_validate_json(SAMPLE_ICP.read_text())
    return translate(icp, Platform.LINKEDIN).criteria


def against_sandbox(population, time: Time, *, rate_limit: int = 0, key: str = "sandbox-key"):
    settings = SandboxSettings(population=len(population.people), rate_limit_per_min=rate_limit)
    app = create_app(settings, population, clock=time.clock)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox")
    search = LinkedInPeopleSearch(
        http,
        base_url="http://sandbox/linkedin",
        api_key=SecretStr(key),
        policy=POLICY,
        sleep=time.sleep,
    )
    return http, search


def scripted(*answers):
    """An adapter whose requests get ``answers`` in turn (a Response or an exception)."""
    script = list(answers)
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        reply = script.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    time = Time()
    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    search = LinkedInPeopleSearch(
        http, base_url="http://li.test", api_key=SecretStr("k"), policy=POLICY, sleep=time.sleep
    )
    return search, seen, time


def page(elements: list[dict], total: int) -> httpx.Response:
    return httpx.Response(200, json={"elements": elements, "paging": {"total": total}})


async def test_pages_the_sample_icp_to_exhaustion_each_person_once(population):
    http, search = against_sandbox(population, Time())
    criteria, _ = search.usable(sample_criteria())
    ranks, ids, start = [], [], 0
    async with http:
        while True:
            result = await search.search(criteria, start, 50)
            ranks += [found.rank for found in result.found]
            ids += [found.profile.platform_profile_id for found in result.found]
            start += result.consumed
            if result.exhausted:
                break

    assert ranks == list(range(len(ranks)))
    assert len(set(ids)) == len(ids) > 50


async def test_maps_the_linkedin_member_shape_to_a_profile(population):
    http, search = against_sandbox(population, Time())
    async with http:
        result = await search.search({"titles": ["CTO"]}, 0, 5)
        member = (
            await http.get(
                "/linkedin/v2/people/" + result.found[0].profile.platform_profile_id,
                headers={"Authorization": "Bearer k"},
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


def test_criteria_the_search_cannot_send_become_warnings():
    search, _, _ = scripted()
    sent, warnings = search.usable({"titles": ["CTO"], "activityLevel": "high"})
    assert sent == {"titles": ["CTO"]}
    assert warnings == [
        "linkedin: activityLevel 'high' is not a people-search filter; not searched"
    ]


async def test_sends_every_value_as_a_repeated_parameter():
    search, seen, _ = scripted(page([], 0))
    await search.search({"titles": ["CTO", "VP Engineering"], "companySizes": ["51-200"]}, 20, 10)
    [request] = seen
    assert request.url.path == "/v2/people/search"
    assert request.url.params.get_list("title") == ["CTO", "VP Engineering"]
    assert request.url.params.get_list("companySize") == ["51-200"]
    assert (request.url.params["start"], request.url.params["count"]) == ("20", "10")
    assert request.headers["authorization"] == "Bearer k"


async def test_a_429_waits_its_retry_after_then_continues(population):
    time = Time()
    http, search = against_sandbox(population, time, rate_limit=2)
    async with http:
        for start in (0, 10, 20):  # the third request of the minute is refused once
            result = await search.search({}, start, 10)
            assert [f.rank for f in result.found] == list(range(start, start + 10))
    assert len(time.slept) == 1 and 0 < time.slept[0] <= 60


async def test_5xx_and_timeouts_are_retried_with_growing_delays():
    search, seen, time = scripted(
        httpx.Response(503),
        httpx.ReadTimeout("slow"),
        page([{"id": "li-1", "localizedFirstName": "Ada", "publicProfileUrl": "u"}], 1),
    )
    result = await search.search({}, 0, 10)
    assert [f.profile.platform_profile_id for f in result.found] == ["li-1"]
    assert result.exhausted
    assert len(seen) == 3
    assert 0.5 <= time.slept[0] <= 0.625 and 1.0 <= time.slept[1] <= 1.25  # jittered doubling


async def test_a_platform_that_keeps_failing_is_unavailable_with_the_reason():
    search, seen, _ = scripted(httpx.Response(502), httpx.Response(502), httpx.Response(503))
    with pytest.raises(PlatformUnavailable, match="HTTP 503 after 3 attempts"):
        await search.search({}, 0, 10)
    assert len(seen) == 3


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (httpx.Response(401, json={"message": "Missing or empty bearer key"}), "HTTP 401 Missing"),
        (httpx.Response(400, json={"message": "company size 'x'"}), "HTTP 400 company size"),
        (httpx.Response(429, headers={"Retry-After": "3600"}), "Retry-After 3600s is too long"),
        (httpx.Response(200, text="<html>"), "malformed answer"),
    ],
)
async def test_answers_not_worth_retrying_fail_at_once(answer, reason):
    search, seen, _ = scripted(answer)
    with pytest.raises(PlatformUnavailable, match=reason):
        await search.search({}, 0, 10)
    assert len(seen) == 1


async def test_an_unusable_member_is_skipped_but_the_cursor_moves_past_it():
    search, _, _ = scripted(
        page([{"localizedFirstName": "no id"}, {"id": "li-2", "publicProfileUrl": "u"}], 10)
    )
    result = await search.search({}, 4, 2)
    assert [(f.rank, f.profile.platform_profile_id) for f in result.found] == [(5, "li-2")]
    assert (result.consumed, result.exhausted) == (2, False)


async def test_the_real_sandbox_refuses_a_missing_key(population):
    http, search = against_sandbox(population, Time(), key="")
    async with http:
        with pytest.raises(PlatformUnavailable, match="HTTP 401"):
            await search.search({}, 0, 10)

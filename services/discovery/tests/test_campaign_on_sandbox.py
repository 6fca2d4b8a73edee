"""Whole campaigns through the real pieces: the paging loop, the SQL cursor store on a real
Postgres (discovery's role), the three real adapters over the sandbox in process, and
the real rate limiter on a real Valkey. Exact maxProspects across platforms, people met
again in other Facebook sources published once, a crash resumed from the stored page
token, and a rate-limit wait shown on the cursor while it lasts."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest
from leadgen_common.contracts import Icp, Platform, team_id_for
from leadgen_common.contracts.events import CampaignOptions, CampaignStarted
from leadgen_common.db.engine import make_engine
from leadgen_common.ratelimit import BucketLimit
from leadgen_common.samples import sample_icp_path
from leadgen_discovery.adapters.cursor_store import SqlCursorStore
from leadgen_discovery.adapters.facebook import FacebookPeopleSearch
from leadgen_discovery.adapters.linkedin import LinkedInPeopleSearch
from leadgen_discovery.adapters.oauth import ClientCredentials
from leadgen_discovery.adapters.twitter import TwitterPeopleSearch
from leadgen_discovery.campaigns import platform_cursor
from leadgen_discovery.domain.cursors import CampaignCursors, ControlStatus
from leadgen_discovery.paging import CampaignPager
from prometheus_client import REGISTRY
from pydantic import SecretStr

pytestmark = pytest.mark.timeout(120)
LINKEDIN, FACEBOOK, TWITTER = Platform.LINKEDIN, Platform.FACEBOOK, Platform.TWITTER
TEAM = team_id_for("discovery-sandbox-campaigns")


@pytest.fixture
async def sql_store(database):
    engine = make_engine(database["discovery"])
    yield SqlCursorStore(engine)
    await engine.dispose()


@pytest.fixture
def searches(sandbox, make_api, fake_time):
    """``searches(limiter)``: the three adapters on one sandbox, sharing ``limiter``."""

    def make(limiter) -> dict:
        http = sandbox()
        linkedin_api = make_api(LINKEDIN, http, limiter=limiter)
        credentials = ClientCredentials(
            linkedin_api,
            token_url="http://sandbox/linkedin/oauth/v2/accessToken",
            client_id=SecretStr("sandbox-client"),
            client_secret=SecretStr("sandbox-secret"),
            refresh_margin_s=60,
            clock=fake_time.clock,
        )
        key = SecretStr("sandbox-key")
        adapters = [
            LinkedInPeopleSearch(
                linkedin_api, base_url="http://sandbox/linkedin", credentials=credentials
            ),
            FacebookPeopleSearch(
                make_api(FACEBOOK, http, limiter=limiter),
                base_url="http://sandbox/facebook",
                api_version="v19.0",
                access_token=key,
            ),
            TwitterPeopleSearch(
                make_api(TWITTER, http, limiter=limiter),
                base_url="http://sandbox/twitter",
                bearer_token=key,
            ),
        ]
        return {adapter.platform: adapter for adapter in adapters}

    return make


def campaign(searches: dict, platforms: list[Platform], max_prospects: int) -> CampaignCursors:
    started = CampaignStarted(
        campaign_id=uuid.uuid4(),
        name="sandbox campaign",
        icp_id=uuid.uuid4(),
        icp=Icp.model_validate_json(sample_icp_path().read_text()),
        platforms=platforms,
        search_criteria={},
        options=CampaignOptions(max_prospects=max_prospects),
        requested_by="alice",
    )
    return CampaignCursors(
        campaign_id=started.campaign_id,
        team_id=TEAM,
        status=ControlStatus.RUNNING,
        options=started.options,
        correlation_id="corr-sandbox",
        started_event_id=uuid.uuid4(),
        platforms=tuple(platform_cursor(started, p, searches[p]) for p in platforms),
    )


def pager(store, searches, recorder, owner: str, page_size: int = 50) -> CampaignPager:
    event = asyncio.Event()
    return CampaignPager(
        store,
        searches,
        recorder,
        owner=owner,
        page_sizes=dict.fromkeys(Platform, page_size),
        pause_poll_s=0.05,
        wakeup=lambda _: event,
    )


def published(recorder) -> list:
    return [e.payload for e in recorder.of("prospect.discovered")]


async def test_facebook_sources_overlap_and_each_person_is_published_once_across_a_crash(
    sql_store, searches, make_limiter, recorder, database
):
    adapters = searches(make_limiter())
    state = campaign(adapters, [FACEBOOK], max_prospects=5_000)  # more than there are
    await sql_store.create(state)
    await sql_store.claim("replica-a", 30, 1)
    recorder.fail_after = 430  # replica-a dies after a few pages, mid-page

    with pytest.raises(ConnectionError):
        await pager(sql_store, adapters, recorder, "replica-a").run(state.campaign_id)
    stored = (await sql_store.load(state.campaign_id)).cursor(FACEBOOK)
    assert stored.page_token is not None and 0 < stored.discovered < 430
    await sql_store.release("replica-a", [state.campaign_id])
    assert await sql_store.claim("replica-b", 30, 1) == [state.campaign_id]
    recorder.fail_after = None
    await pager(sql_store, adapters, recorder, "replica-b").run(state.campaign_id)

    people = {p.prospect_id for p in published(recorder)}
    events = recorder.of("prospect.discovered")
    # The page cut by the crash went out again under the same event ids, nothing else did.
    assert len({e.event_id for e in events}) == len(people)
    assert len(events) - len(people) == 430 - stored.discovered  # that page's first part
    [done] = recorder.of("campaign.discovery_finished")
    assert (done.payload.reason, done.payload.total_discovered) == ("exhausted", len(people))
    # Every source was paged to its end (people search, then followers and members), and
    # they repeat people already published: far more results than people, each published
    # once thanks to the seen set.
    final = (await sql_store.load(state.campaign_id)).cursor(FACEBOOK)
    assert final.discovered == len(people) and final.next_start > 2 * len(people)
    assert await sql_store.seen(TEAM, state.campaign_id, people) == set()  # forgotten


async def test_a_platform_waiting_for_its_rate_limit_holds_up_neither_the_others_nor_the_count(
    sql_store, searches, make_limiter, recorder
):
    limiter = make_limiter({"twitter:search": BucketLimit(limit=2, window_s=30)})
    adapters = searches(limiter)
    state = campaign(adapters, [LINKEDIN, FACEBOOK, TWITTER], max_prospects=300)
    await sql_store.create(state)
    await sql_store.claim("replica-a", 30, 1)
    shown: list = []
    show = sql_store.set_rate_limited

    async def spy(campaign_id, platform, until):
        shown.append((platform, until))
        await show(campaign_id, platform, until)

    sql_store.set_rate_limited = spy
    waits = wait_samples("twitter:search")

    await pager(sql_store, adapters, recorder, "replica-a", page_size=20).run(state.campaign_id)

    counts = Counter(p.profile.platform for p in published(recorder))
    assert sum(counts.values()) == 300 == len({p.prospect_id for p in published(recorder)})
    [done] = recorder.of("campaign.discovery_finished")
    assert {p: d.discovered for p, d in done.payload.platforms.items()} == dict(counts)
    # X waits for its bucket (2 calls per 30 s), shown on its cursor and cleared after;
    # meanwhile LinkedIn and Facebook went on and filled the campaign.
    assert any(p is TWITTER and until is not None for p, until in shown)
    assert shown[-1][1] is None and {p for p, _ in shown} == {TWITTER}
    assert counts[TWITTER] == 2 * 20 < counts[LINKEDIN]
    assert wait_samples("twitter:search") - waits == 2


def wait_samples(bucket: str) -> float:
    return REGISTRY.get_sample_value("rate_limit_wait_seconds_count", {"bucket": bucket}) or 0.0

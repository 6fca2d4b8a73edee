"""The paging loop against a fake search and the in-memory cursor store: exact
max_prospects, exhaustion, pause/resume/cancel, failures, and resuming from the cursor."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from leadgen_common.contracts import Platform, prospect_id_for
from leadgen_discovery.domain.cursors import ControlStatus, Outcome
from leadgen_discovery.domain.finish import discovered_event_id
from leadgen_discovery.ports import LeaseLost

LINKEDIN, TWITTER, FACEBOOK = Platform.LINKEDIN, Platform.TWITTER, Platform.FACEBOOK
pytestmark = pytest.mark.timeout(20)


async def started(store, state, owner: str = "replica-a"):
    await store.create(state)
    assert await store.claim(owner, lease_s=30, limit=10) == [state.campaign_id]
    return state.campaign_id


def discovered(recorder, platform: Platform = LINKEDIN) -> list[str]:
    return [
        e.payload.profile.platform_profile_id
        for e in recorder.of("prospect.discovered")
        if e.payload.profile.platform == platform
    ]


def finished(recorder):
    [envelope] = recorder.of("campaign.discovery_finished")
    return envelope.payload


async def test_publishes_exactly_max_prospects_and_persists_the_cursor(
    store, recorder, make_pager, make_search, make_campaign
):
    search = make_search(size=100)
    campaign_id = await started(store, make_campaign(max_prospects=30))

    await make_pager(search, page_size=7).run(campaign_id)

    assert discovered(recorder) == [f"linkedin-{i:04d}" for i in range(30)]
    # The last request asks only for what is still needed: 7+7+7+7+2.
    assert search.calls == [(0, 7), (7, 7), (14, 7), (21, 7), (28, 2)]
    cursor = store.state(campaign_id).cursor(LINKEDIN)
    assert (cursor.next_start, cursor.discovered, cursor.outcome) == (30, 30, None)
    done = finished(recorder)
    assert (done.reason, done.total_discovered) == ("max_prospects", 30)
    assert done.platforms[LINKEDIN].discovered == 30
    assert done.platforms[LINKEDIN].criteria == {"titles": ["CTO"]}
    assert store.state(campaign_id).finished


async def test_every_prospect_carries_ids_rank_options_and_causation(
    store, recorder, make_pager, make_search, make_campaign
):
    state = make_campaign(max_prospects=3)
    campaign_id = await started(store, state)

    await make_pager(make_search(size=10)).run(campaign_id)

    for rank, envelope in enumerate(recorder.of("prospect.discovered")):
        payload = envelope.payload
        profile_id = f"linkedin-{rank:04d}"
        assert payload.prospect_id == prospect_id_for(state.team_id, LINKEDIN, profile_id)
        assert envelope.event_id == discovered_event_id(campaign_id, payload.prospect_id)
        assert (payload.rank, payload.options) == (rank, state.options)
        assert (envelope.team_id, envelope.campaign_id) == (state.team_id, campaign_id)
        assert envelope.correlation_id == "corr-discovery"
        assert envelope.causation_id == state.started_event_id


async def test_exhaustion_publishes_everyone_once_and_finishes_exhausted(
    store, recorder, make_pager, make_search, make_campaign
):
    campaign_id = await started(store, make_campaign(max_prospects=50))

    await make_pager(make_search(size=12), page_size=5).run(campaign_id)

    assert discovered(recorder) == [f"linkedin-{i:04d}" for i in range(12)]
    assert store.state(campaign_id).cursor(LINKEDIN).outcome is Outcome.EXHAUSTED
    assert (finished(recorder).reason, finished(recorder).total_discovered) == ("exhausted", 12)


async def test_max_is_exact_across_platforms_which_take_turns(
    store, recorder, make_pager, make_search, make_campaign
):
    campaign_id = await started(store, make_campaign(LINKEDIN, TWITTER, max_prospects=25))

    await make_pager(make_search(LINKEDIN), make_search(TWITTER), page_size=10).run(campaign_id)

    assert len(discovered(recorder, LINKEDIN)) + len(discovered(recorder, TWITTER)) == 25
    assert len(set(e.payload.prospect_id for e in recorder.of("prospect.discovered"))) == 25
    done = finished(recorder)
    assert done.reason == "max_prospects"
    assert {p: d.discovered for p, d in done.platforms.items()} == {LINKEDIN: 15, TWITTER: 10}


async def test_a_failing_platform_gets_a_reason_and_the_other_goes_on(
    store, recorder, make_pager, make_search, make_campaign
):
    failing = make_search(TWITTER)
    failing.fail_from_call = 2
    campaign_id = await started(store, make_campaign(LINKEDIN, TWITTER, max_prospects=40))

    await make_pager(make_search(LINKEDIN), failing, page_size=10).run(campaign_id)

    done = finished(recorder)
    assert done.reason == "max_prospects"
    assert done.total_discovered == 40
    assert done.platforms[TWITTER].discovered == 10
    assert done.platforms[TWITTER].failure_reason == "twitter people search: HTTP 503 x5"
    assert done.platforms[LINKEDIN].failure_reason is None


async def test_failed_only_when_every_platform_fails(
    store, recorder, make_pager, make_search, make_campaign
):
    failing = make_search(LINKEDIN)
    failing.fail_from_call = 1
    # facebook has no search at all here: it fails as not supported.
    campaign_id = await started(store, make_campaign(LINKEDIN, FACEBOOK))

    await make_pager(failing).run(campaign_id)

    done = finished(recorder)
    assert (done.reason, done.total_discovered) == ("failed", 0)
    assert done.platforms[FACEBOOK].failure_reason == "platform not supported yet"
    assert recorder.of("prospect.discovered") == []


async def test_pause_holds_and_resume_continues_without_duplicates(
    store, recorder, make_pager, make_search, make_campaign, wait_until
):
    search = make_search(size=100)
    campaign_id = await started(store, make_campaign(max_prospects=40))

    async def pause() -> None:  # a pause handled while page 2 is on the wire
        await store.set_status(campaign_id, {ControlStatus.RUNNING}, ControlStatus.PAUSED)

    search.after_page[2] = pause
    loop = asyncio.create_task(make_pager(search, page_size=10).run(campaign_id))
    await wait_until(lambda: len(search.calls) == 2)
    await asyncio.sleep(0.1)  # ten status polls

    assert len(discovered(recorder)) == 20  # the page in flight, then nothing
    assert len(search.calls) == 2
    assert not loop.done()

    await store.set_status(campaign_id, {ControlStatus.PAUSED}, ControlStatus.RUNNING)
    await asyncio.wait_for(loop, 5)

    assert discovered(recorder) == [f"linkedin-{i:04d}" for i in range(40)]
    assert finished(recorder).reason == "max_prospects"


async def test_cancel_stops_paging_and_finishes_cancelled(
    store, recorder, make_pager, make_search, make_campaign
):
    search = make_search(size=100)
    campaign_id = await started(store, make_campaign(max_prospects=90))

    async def cancel() -> None:
        await store.set_status(campaign_id, {ControlStatus.RUNNING}, ControlStatus.CANCELLED)

    search.after_page[3] = cancel
    await make_pager(search, page_size=10).run(campaign_id)

    assert len(search.calls) == 3
    assert len(discovered(recorder)) == 30
    done = finished(recorder)
    assert (done.reason, done.total_discovered) == ("cancelled", 30)


async def test_cancel_while_paused_finishes_cancelled(
    store, recorder, make_pager, make_search, make_campaign
):
    search = make_search()
    campaign_id = await started(store, make_campaign(status=ControlStatus.PAUSED))
    loop = asyncio.create_task(make_pager(search).run(campaign_id))
    await asyncio.sleep(0.05)

    await store.set_status(
        campaign_id, {ControlStatus.RUNNING, ControlStatus.PAUSED}, ControlStatus.CANCELLED
    )
    await asyncio.wait_for(loop, 5)

    assert search.calls == []
    assert (finished(recorder).reason, finished(recorder).total_discovered) == ("cancelled", 0)


async def test_a_restart_resumes_from_the_cursor_and_stays_exact(
    store, recorder, make_pager, make_search, make_campaign
):
    search = make_search(size=100)
    campaign_id = await started(store, make_campaign(max_prospects=33))
    recorder.fail_after = 15  # the broker goes away halfway through page 3 of 7

    with pytest.raises(ConnectionError):
        await make_pager(search, owner="replica-a", page_size=7).run(campaign_id)
    assert store.state(campaign_id).cursor(LINKEDIN).next_start == 14  # pages 1-2 persisted

    # replica-a is gone; its lease lapses and replica-b claims the campaign.
    store.now += 31
    assert await store.claim("replica-b", lease_s=30, limit=10) == [campaign_id]
    recorder.fail_after = None
    await make_pager(search, owner="replica-b", page_size=7).run(campaign_id)

    events = recorder.of("prospect.discovered")
    assert discovered(recorder)[:14] == [f"linkedin-{i:04d}" for i in range(14)]
    assert len({e.payload.prospect_id for e in events}) == 33  # exactly max distinct
    # The one page published twice carries the same event ids: consumers dedupe it.
    assert len({e.event_id for e in events}) == 33
    assert (finished(recorder).reason, finished(recorder).total_discovered) == (
        "max_prospects",
        33,
    )


async def test_a_loop_whose_lease_was_taken_stops_without_finishing(
    store, recorder, make_pager, make_search, make_campaign
):
    search = make_search(size=100)
    campaign_id = await started(store, make_campaign(max_prospects=50))

    async def taken_over() -> None:  # replica-a stalled past its lease; replica-b claimed
        store.now += 31
        await store.claim("replica-b", lease_s=30, limit=10)

    search.after_page[1] = taken_over
    with pytest.raises(LeaseLost):
        await make_pager(search, owner="replica-a", page_size=10).run(campaign_id)

    assert store.state(campaign_id).cursor(LINKEDIN).discovered == 0  # not persisted
    assert recorder.of("campaign.discovery_finished") == []


async def test_a_finished_campaign_is_not_paged_again(
    store, recorder, make_pager, make_search, make_campaign
):
    search = make_search(size=5)
    campaign_id = await started(store, make_campaign())
    await make_pager(search).run(campaign_id)
    published = len(recorder.envelopes)

    await make_pager(search).run(campaign_id)
    await make_pager(search).run(uuid.uuid4())  # unknown campaign: nothing to do

    assert len(recorder.envelopes) == published


# -- dedupe, token paging, rate-limit waits


async def test_a_person_met_again_on_a_later_page_is_published_once(
    store, recorder, make_pager, make_search, make_campaign
):
    search = make_search(size=40)
    people = search.people
    # The ranking shifted between requests: pages 2 and 3 start with people of page 1.
    search.people = people[:10] + people[7:10] + people[10:20] + people[15:17] + people[20:]
    campaign_id = await started(store, make_campaign(max_prospects=25))

    await make_pager(search, page_size=10).run(campaign_id)

    published = discovered(recorder)
    assert published == [f"linkedin-{i:04d}" for i in range(25)]
    done = finished(recorder)
    assert (done.reason, done.total_discovered) == ("max_prospects", 25)
    assert store.published == {}  # the seen set is forgotten once discovery finished


async def test_the_seen_set_outlives_a_restart(
    store, recorder, make_pager, make_search, make_campaign
):
    search = make_search(size=30)
    search.people = search.people[:10] + search.people[:30]  # page 2 repeats page 1
    campaign_id = await started(store, make_campaign(max_prospects=30))
    recorder.fail_after = 10  # the broker goes away right after page 1

    with pytest.raises(ConnectionError):
        await make_pager(search, owner="replica-a", page_size=10).run(campaign_id)
    store.now += 31
    assert await store.claim("replica-b", lease_s=30, limit=10) == [campaign_id]
    recorder.fail_after = None
    await make_pager(search, owner="replica-b", page_size=10).run(campaign_id)

    assert discovered(recorder) == [f"linkedin-{i:04d}" for i in range(30)]
    assert finished(recorder).total_discovered == 30


async def test_token_paging_keeps_the_token_in_the_cursor_and_resumes_from_it(
    store, recorder, make_pager, make_search, make_campaign
):
    search = make_search(size=100)
    search.tokens = True
    campaign_id = await started(store, make_campaign(max_prospects=25))
    recorder.fail_after = 20  # page 3 is never published

    with pytest.raises(ConnectionError):
        await make_pager(search, page_size=10).run(campaign_id)
    cursor = store.state(campaign_id).cursor(LINKEDIN)
    assert (cursor.next_start, cursor.page_token, cursor.discovered) == (20, "20", 20)

    recorder.fail_after = None
    store.now += 31
    await store.claim("replica-b", lease_s=30, limit=10)
    await make_pager(search, owner="replica-b", page_size=10).run(campaign_id)

    assert search.tokens_seen == [None, "10", "20", "20"]
    assert discovered(recorder)[20:] == [f"linkedin-{i:04d}" for i in range(20, 25)]
    assert finished(recorder).total_discovered == 25


async def test_rate_limit_waits_show_on_the_cursor_and_clear_after(
    store, recorder, make_pager, make_search, make_campaign
):
    search = make_search(size=100)
    search.wait_s = 0.001
    campaign_id = await started(store, make_campaign(max_prospects=10))

    await make_pager(search, page_size=5).run(campaign_id)

    assert [until for _, until in store.shown_waits] == [search.waited_until, None] * 2
    assert store.rate_limited[(campaign_id, LINKEDIN)] is None


async def test_a_pause_during_a_long_rate_limit_wait_stops_the_fetch(
    store, recorder, make_pager, make_search, make_campaign, wait_until
):
    search = make_search(size=100)
    search.wait_s = 3600  # the bucket is empty for an hour
    campaign_id = await started(store, make_campaign(max_prospects=10))
    loop = asyncio.create_task(make_pager(search, page_size=5).run(campaign_id))
    await wait_until(lambda: store.rate_limited.get((campaign_id, LINKEDIN)) == search.waited_until)

    await store.set_status(campaign_id, {ControlStatus.RUNNING}, ControlStatus.PAUSED)
    # Another replica handled the pause: this loop sees it by polling, within a poll.
    await wait_until(lambda: store.rate_limited[(campaign_id, LINKEDIN)] is None)
    assert recorder.envelopes == []

    search.wait_s = 0
    await store.set_status(campaign_id, {ControlStatus.PAUSED}, ControlStatus.RUNNING)
    await asyncio.wait_for(loop, 5)
    assert discovered(recorder) == [f"linkedin-{i:04d}" for i in range(10)]
    assert search.calls[0] == search.calls[1] == (0, 5)  # the cancelled page, asked again


async def test_a_platform_waiting_for_its_rate_limit_does_not_hold_up_the_others(
    store, recorder, make_pager, make_search, make_campaign
):
    waiting = make_search(TWITTER)
    waiting.wait_s = 3600  # its bucket is empty for an hour
    campaign_id = await started(store, make_campaign(LINKEDIN, TWITTER, max_prospects=30))

    async with asyncio.timeout(5):
        await make_pager(make_search(LINKEDIN), waiting, page_size=10).run(campaign_id)

    # LinkedIn filled the campaign; X's page, still waiting, was dropped and its wait cleared.
    assert len(discovered(recorder, LINKEDIN)) == 30 and discovered(recorder, TWITTER) == []
    assert (finished(recorder).reason, finished(recorder).total_discovered) == (
        "max_prospects",
        30,
    )
    assert store.rate_limited[(campaign_id, TWITTER)] is None
    assert store.state(campaign_id).cursor(TWITTER).next_start == 0


async def test_pages_in_flight_never_push_the_count_past_max(
    store, recorder, make_pager, make_search, make_campaign
):
    searches = [make_search(platform) for platform in (LINKEDIN, FACEBOOK, TWITTER)]
    campaign_id = await started(store, make_campaign(LINKEDIN, FACEBOOK, TWITTER, max_prospects=25))

    await make_pager(*searches, page_size=10).run(campaign_id)

    # The three first pages are asked for together, sized to what is still needed.
    assert [search.calls[0] for search in searches] == [(0, 10), (0, 10), (0, 5)]
    assert len(recorder.of("prospect.discovered")) == 25
    assert finished(recorder).total_discovered == 25


async def test_pages_landing_together_never_push_the_count_past_max(
    store, recorder, make_pager, make_search, make_campaign, wait_until
):
    gate = asyncio.Event()
    searches = [make_search(LINKEDIN), make_search(TWITTER)]
    for search in searches:
        search.gate = gate  # both wait for their rate limit, so both pages are asked for
    campaign_id = await started(store, make_campaign(LINKEDIN, TWITTER, max_prospects=10))
    loop = asyncio.create_task(make_pager(*searches, page_size=10).run(campaign_id))
    await wait_until(lambda: all(search.calls for search in searches))

    gate.set()  # both pages of 10 arrive at once; the campaign needs 10
    await asyncio.wait_for(loop, 5)

    assert len(recorder.of("prospect.discovered")) == 10
    assert finished(recorder).total_discovered == 10
    cursors = store.state(campaign_id).platforms
    assert sorted(cursor.discovered for cursor in cursors) == [0, 10]

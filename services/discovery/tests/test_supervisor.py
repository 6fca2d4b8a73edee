"""The supervisor: claims campaigns, bounds how many it pages, hands a crashed replica's
campaigns to another replica, and releases its leases on shutdown."""

from __future__ import annotations

import asyncio

import pytest
from leadgen_discovery.domain.cursors import ControlStatus
from leadgen_discovery.supervisor import Supervisor, replica_id

pytestmark = pytest.mark.timeout(20)


def supervisor(store, owner: str, max_active: int = 4) -> Supervisor:
    return Supervisor(
        store, owner=owner, lease_s=30, lease_renew_s=0.01, max_active_campaigns=max_active
    )


def finished_ids(recorder) -> set:
    return {e.campaign_id for e in recorder.of("campaign.discovery_finished")}


async def test_claims_new_campaigns_and_pages_them_to_the_end(
    store, recorder, make_pager, make_search, make_campaign, wait_until
):
    campaigns = [make_campaign(max_prospects=20) for _ in range(3)]
    for state in campaigns:
        await store.create(state)
    sup = supervisor(store, "replica-a")
    await sup.start(make_pager(make_search(size=100), owner="replica-a"))
    try:
        await wait_until(lambda: len(finished_ids(recorder)) == 3)
    finally:
        await sup.stop()

    assert finished_ids(recorder) == {state.campaign_id for state in campaigns}
    assert len(recorder.of("prospect.discovered")) == 60
    assert sup.tasks == {}


async def test_pages_at_most_max_active_campaigns_at_once(
    store, recorder, make_pager, make_search, make_campaign, wait_until
):
    search = make_search(size=100)
    first, second = make_campaign(max_prospects=20), make_campaign(max_prospects=20)
    await store.create(first)
    await store.create(second)
    # Hold the first campaign paused: it keeps the replica's only slot.
    await store.set_status(first.campaign_id, {ControlStatus.RUNNING}, ControlStatus.PAUSED)
    sup = supervisor(store, "replica-a", max_active=1)
    await sup.start(make_pager(search, owner="replica-a"))
    try:
        await wait_until(lambda: first.campaign_id in sup.tasks)
        await asyncio.sleep(0.1)
        assert list(sup.tasks) == [first.campaign_id]
        assert store.state(second.campaign_id).owner is None

        await store.set_status(first.campaign_id, {ControlStatus.PAUSED}, ControlStatus.RUNNING)
        sup.nudge(first.campaign_id)
        await wait_until(lambda: len(finished_ids(recorder)) == 2)
    finally:
        await sup.stop()


async def test_a_crashed_replicas_campaign_resumes_on_another_after_its_lease(
    store, recorder, make_pager, make_search, make_campaign, wait_until
):
    search = make_search(size=100)
    state = make_campaign(max_prospects=60)
    await store.create(state)
    gate = asyncio.Event()

    async def hang() -> None:  # replica-a hangs on page 3, then "crashes"
        await gate.wait()

    search.after_page[3] = hang
    crashed = supervisor(store, "replica-a")
    await crashed.start(make_pager(search, owner="replica-a", page_size=10))
    await wait_until(lambda: len(search.calls) == 3)
    crashed._loop.cancel()  # killed: no renewals, no release
    for task in crashed.tasks.values():
        task.cancel()
    assert store.state(state.campaign_id).owner == "replica-a"

    survivor = supervisor(store, "replica-b")
    await survivor.start(make_pager(search, owner="replica-b", page_size=10))
    try:
        await asyncio.sleep(0.1)
        assert store.state(state.campaign_id).owner == "replica-a"  # lease still valid
        store.now += 31  # ... until it lapses
        await wait_until(lambda: finished_ids(recorder) == {state.campaign_id})
    finally:
        await survivor.stop()

    events = recorder.of("prospect.discovered")
    assert len({e.payload.prospect_id for e in events}) == 60
    assert finished_ids(recorder) == {state.campaign_id}
    assert recorder.of("campaign.discovery_finished")[0].payload.total_discovered == 60


async def test_stop_releases_leases_so_another_replica_takes_over_at_once(
    store, recorder, make_pager, make_search, make_campaign, wait_until
):
    state = make_campaign(status=ControlStatus.PAUSED)
    await store.create(state)
    sup = supervisor(store, "replica-a")
    await sup.start(make_pager(make_search(), owner="replica-a"))
    await wait_until(lambda: state.campaign_id in sup.tasks)

    await sup.stop()

    assert store.state(state.campaign_id).owner is None
    assert await store.claim("replica-b", lease_s=30, limit=1) == [state.campaign_id]


async def test_a_lost_lease_stops_the_local_loop(
    store, recorder, make_pager, make_search, make_campaign, wait_until
):
    state = make_campaign(status=ControlStatus.PAUSED)
    await store.create(state)
    sup = supervisor(store, "replica-a")
    await sup.start(make_pager(make_search(), owner="replica-a"))
    try:
        await wait_until(lambda: state.campaign_id in sup.tasks)
        store.now += 31
        await store.claim("replica-b", lease_s=30, limit=1)
        await wait_until(lambda: state.campaign_id not in sup.tasks)
    finally:
        await sup.stop()
    assert store.state(state.campaign_id).owner == "replica-b"


def test_replica_ids_are_unique_per_process_start():
    assert replica_id() != replica_id()

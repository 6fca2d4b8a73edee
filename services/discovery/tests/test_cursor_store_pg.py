"""The SQL cursor store against a real Postgres 18, through the discovery role: the
same rules as the in-memory fake, concurrent claims, and the paging loop on top of it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from leadgen_common.contracts import Platform
from leadgen_common.db.engine import make_engine
from leadgen_discovery.adapters.cursor_store import SqlCursorStore
from leadgen_discovery.domain.cursors import ControlStatus, Outcome
from leadgen_discovery.paging import CampaignPager
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.timeout(120)
LINKEDIN, TWITTER = Platform.LINKEDIN, Platform.TWITTER


@pytest.fixture
async def engines(database) -> AsyncIterator[list[AsyncEngine]]:
    made: list[AsyncEngine] = []
    yield made
    for engine in made:
        await engine.dispose()


@pytest.fixture
def sql_store(database, engines):
    """``sql_store()``: a store on its own engine, as the discovery role (a replica)."""

    def make() -> SqlCursorStore:
        engines.append(make_engine(database["discovery"]))
        return SqlCursorStore(engines[-1])

    return make


async def admin(database, sql: str, **params) -> None:
    engine = make_engine(database["admin"])
    try:
        async with engine.begin() as conn:
            await conn.execute(text(sql), params)
    finally:
        await engine.dispose()


async def lapse_leases(database) -> None:
    """What time does to a dead replica's leases."""
    await admin(database, "UPDATE discovery_cursors SET lease_until = now() - interval '1 s'")


async def test_create_and_load_round_trip_every_field(sql_store, make_campaign):
    store = sql_store()
    state = make_campaign(LINKEDIN, TWITTER, max_prospects=77)

    assert await store.create(state) is True
    assert await store.create(state) is False  # a redelivered start changes nothing
    loaded = await store.load(state.campaign_id)

    assert loaded == state
    assert await store.load(uuid.uuid4()) is None
    assert await store.reachable()


async def test_claim_renew_release_and_the_lease_rules(sql_store, make_campaign, database):
    a, b = sql_store(), sql_store()
    state = make_campaign(LINKEDIN, TWITTER)
    await a.create(state)

    assert await a.claim("replica-a", 30, 10) == [state.campaign_id]
    assert await b.claim("replica-b", 30, 10) == []  # leased
    assert await b.renew("replica-b", 30, [state.campaign_id]) == set()
    assert await a.renew("replica-a", 30, [state.campaign_id]) == {state.campaign_id}

    await lapse_leases(database)
    assert await b.claim("replica-b", 30, 10) == [state.campaign_id]
    assert (await a.load(state.campaign_id)).owner == "replica-b"
    assert await a.renew("replica-a", 30, [state.campaign_id]) == set()

    await b.release("replica-b", [state.campaign_id])
    assert await a.claim("replica-a", 30, 10) == [state.campaign_id]


async def test_progress_is_persisted_only_by_the_lease_holder(sql_store, make_campaign):
    store = sql_store()
    state = make_campaign(LINKEDIN, TWITTER)
    await store.create(state)
    await store.claim("replica-a", 30, 10)

    assert not await store.advance(
        "replica-b", state.campaign_id, LINKEDIN, next_start=5, discovered=5
    )
    assert await store.advance("replica-a", state.campaign_id, LINKEDIN, next_start=5, discovered=5)
    assert await store.advance(
        "replica-a",
        state.campaign_id,
        TWITTER,
        next_start=0,
        discovered=0,
        outcome=Outcome.FAILED,
        failure_reason="twitter: HTTP 503 after 5 attempts",
    )
    loaded = await store.load(state.campaign_id)
    assert (loaded.cursor(LINKEDIN).next_start, loaded.cursor(LINKEDIN).discovered) == (5, 5)
    assert loaded.cursor(TWITTER).outcome is Outcome.FAILED
    assert loaded.cursor(TWITTER).failure_reason == "twitter: HTTP 503 after 5 attempts"

    assert not await store.finish("replica-b", state.campaign_id)
    assert await store.finish("replica-a", state.campaign_id)
    assert (await store.load(state.campaign_id)).finished
    assert not await store.advance(
        "replica-a", state.campaign_id, LINKEDIN, next_start=9, discovered=9
    )
    assert await store.claim("replica-a", 30, 10) == []  # finished campaigns are never claimed


async def test_control_transitions_apply_to_every_row_of_an_unfinished_campaign(
    sql_store, make_campaign
):
    store = sql_store()
    state = make_campaign(LINKEDIN, TWITTER)
    await store.create(state)
    running, paused = {ControlStatus.RUNNING}, {ControlStatus.PAUSED}

    assert await store.set_status(state.campaign_id, running, ControlStatus.PAUSED) == 2
    assert await store.set_status(state.campaign_id, running, ControlStatus.PAUSED) == 0
    assert (await store.load(state.campaign_id)).status is ControlStatus.PAUSED
    assert await store.set_status(state.campaign_id, paused, ControlStatus.RUNNING) == 2

    await store.claim("replica-a", 30, 1)
    await store.finish("replica-a", state.campaign_id)
    assert await store.set_status(state.campaign_id, running, ControlStatus.CANCELLED) == 0


async def test_requested_status_is_read_from_the_gateways_campaign(
    sql_store, make_campaign, database
):
    store = sql_store()
    campaign_id, icp_id = uuid.uuid4(), uuid.uuid4()
    assert await store.requested_status(campaign_id) is None
    team = uuid.uuid4()
    await admin(
        database,
        "INSERT INTO icps (id, team_id, name, definition) VALUES (:icp, :team, 'x', '{}')",
        icp=icp_id,
        team=team,
    )
    await admin(
        database,
        "INSERT INTO campaigns (id, team_id, icp_id, name, platforms, requested_status,"
        " created_by) VALUES (:id, :team, :icp, 'c', ARRAY['linkedin'], 'paused', 'alice')",
        id=campaign_id,
        icp=icp_id,
        team=team,
    )
    assert await store.requested_status(campaign_id) == "paused"


async def test_concurrent_claims_split_campaigns_whole_never_rows(sql_store, make_campaign):
    replicas = [sql_store() for _ in range(4)]
    campaigns = [make_campaign(LINKEDIN, TWITTER) for _ in range(12)]
    for state in campaigns:
        await replicas[0].create(state)

    owners: dict[uuid.UUID, str] = {}
    for _ in range(6):  # rounds of simultaneous claims, as the replicas' ticks would be
        claims = await asyncio.gather(
            *(store.claim(f"replica-{i}", 30, 5) for i, store in enumerate(replicas))
        )
        for i, claim in enumerate(claims):
            for campaign_id in claim:
                assert campaign_id not in owners, "claimed twice"
                owners[campaign_id] = f"replica-{i}"

    assert set(owners) == {state.campaign_id for state in campaigns}
    async with replicas[0].engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT campaign_id, platform, owner FROM discovery_cursors")
        )
        by_row = {(row.campaign_id, row.platform): row.owner for row in rows}
    assert len(by_row) == 24
    assert all(owner == owners[campaign_id] for (campaign_id, _), owner in by_row.items())


async def test_the_paging_loop_on_postgres_is_exact_and_resumes_elsewhere(
    sql_store, make_search, make_campaign, recorder, database
):
    store_a, store_b = sql_store(), sql_store()
    search = make_search(size=200)
    state = make_campaign(max_prospects=45)
    await store_a.create(state)
    await store_a.claim("replica-a", 30, 1)
    recorder.fail_after = 23  # replica-a dies mid-page 3

    def pager(store, owner):
        event = asyncio.Event()
        return CampaignPager(
            store,
            {LINKEDIN: search},
            recorder,
            owner=owner,
            page_sizes=dict.fromkeys(Platform, 10),
            pause_poll_s=0.01,
            wakeup=lambda _: event,
        )

    with pytest.raises(ConnectionError):
        await pager(store_a, "replica-a").run(state.campaign_id)
    await lapse_leases(database)
    assert await store_b.claim("replica-b", 30, 1) == [state.campaign_id]
    recorder.fail_after = None
    await pager(store_b, "replica-b").run(state.campaign_id)

    events = recorder.of("prospect.discovered")
    assert len({e.payload.prospect_id for e in events}) == 45
    assert len({e.event_id for e in events}) == 45
    [done] = recorder.of("campaign.discovery_finished")
    assert (done.payload.reason, done.payload.total_discovered) == ("max_prospects", 45)
    loaded = await store_b.load(state.campaign_id)
    assert loaded.finished and loaded.cursor(LINKEDIN).next_start == 45


async def test_the_seen_set_grows_with_each_persisted_page_and_goes_at_finish(
    sql_store, make_campaign, database
):
    store = sql_store()
    state = make_campaign(LINKEDIN, TWITTER)
    other = make_campaign(LINKEDIN)
    for campaign in (state, other):
        await store.create(campaign)
    await store.claim("replica-a", 30, 10)
    first, second, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    assert await store.seen(state.team_id, state.campaign_id, [first, second]) == set()
    assert await store.advance(
        "replica-a", state.campaign_id, LINKEDIN, next_start=2, discovered=2,
        published=[first, second],
    )  # fmt: skip
    # A page re-persisted after a crash adds nothing twice; a lost lease adds nothing.
    assert await store.advance(
        "replica-a", state.campaign_id, TWITTER, next_start=1, discovered=1, published=[second]
    )
    assert not await store.advance(
        "replica-b", state.campaign_id, LINKEDIN, next_start=3, discovered=3, published=[third]
    )
    ids = [first, second, third]
    assert await store.seen(state.team_id, state.campaign_id, ids) == {first, second}
    assert await store.seen(other.team_id, other.campaign_id, ids) == set()

    assert await store.finish("replica-a", state.campaign_id)
    assert await store.seen(state.team_id, state.campaign_id, ids) == set()


async def test_page_token_and_rate_limited_until_round_trip(sql_store, make_campaign):
    store = sql_store()
    state = make_campaign(LINKEDIN, TWITTER)
    await store.create(state)
    await store.claim("replica-a", 30, 10)
    until = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)

    await store.advance(
        "replica-a", state.campaign_id, TWITTER, next_start=100, discovered=90, page_token="t-2"
    )
    await store.set_rate_limited(state.campaign_id, TWITTER, until)
    assert (await store.load(state.campaign_id)).cursor(TWITTER).page_token == "t-2"
    assert await waits_shown(store, state.campaign_id) == {"linkedin": None, "twitter": until}

    await store.set_rate_limited(state.campaign_id, TWITTER, None)
    assert await waits_shown(store, state.campaign_id) == {"linkedin": None, "twitter": None}
    await store.set_rate_limited(state.campaign_id, LINKEDIN, until)
    await store.finish("replica-a", state.campaign_id)
    assert await waits_shown(store, state.campaign_id) == {"linkedin": None, "twitter": None}


async def waits_shown(store: SqlCursorStore, campaign_id: uuid.UUID) -> dict:
    async with store.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT platform, rate_limited_until FROM discovery_cursors WHERE campaign_id = :c"
            ),
            {"c": campaign_id},
        )
        return {row.platform: row.rate_limited_until for row in rows}

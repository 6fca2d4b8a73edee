"""Suppressed people are never published: the paging loop on a real Postgres checks each
page against the team's hashed suppression list (read as the discovery role) and fills
the campaign with others, exactly to maxProspects."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from leadgen_common.contracts import Platform
from leadgen_common.db.engine import make_engine
from leadgen_common.db.schema import suppressions
from leadgen_common.db.suppressions import SuppressionList
from leadgen_common.suppression import entry, platform_id
from leadgen_discovery.adapters.cursor_store import SqlCursorStore
from leadgen_discovery.paging import CampaignPager

pytestmark = pytest.mark.timeout(60)
LINKEDIN = Platform.LINKEDIN


async def suppress(database, team_id: uuid.UUID, *entries) -> None:
    engine = make_engine(database["admin"])
    try:
        async with engine.begin() as conn:
            await conn.execute(
                suppressions.insert(),
                [{"team_id": team_id, "kind": e.kind, "value": e.digest} for e in entries],
            )
    finally:
        await engine.dispose()


async def test_people_on_the_teams_list_are_skipped_and_others_fill_the_campaign(
    database, make_search, make_campaign, recorder
):
    search = make_search(size=40)
    people = search.people
    search.people[5] = people[5].model_copy(update={"company_domain": "www.optout-corp.io"})
    state = make_campaign(max_prospects=20)
    team = state.team_id
    await suppress(
        database,
        team,
        entry("platform_id", platform_id("linkedin", people[1].platform_profile_id)),
        entry("profile_url", people[3].profile_url.upper() + "/"),  # matched when normal
        entry("domain", "optout-corp.io"),
    )
    await suppress(database, uuid.uuid4(), entry("profile_url", people[7].profile_url))

    engine = make_engine(database["discovery"])
    try:
        store = SqlCursorStore(engine)
        await store.create(state)
        await store.claim("replica-a", 30, 1)
        event = asyncio.Event()
        pager = CampaignPager(
            store,
            {LINKEDIN: search},
            recorder,
            owner="replica-a",
            page_sizes=dict.fromkeys(Platform, 10),
            pause_poll_s=0.01,
            wakeup=lambda _: event,
            suppressions=SuppressionList(engine),
        )
        await pager.run(state.campaign_id)
    finally:
        await engine.dispose()

    published = [e.payload.profile.platform_profile_id for e in recorder.of("prospect.discovered")]
    skipped = {people[i].platform_profile_id for i in (1, 3, 5)}
    assert len(published) == 20 and not skipped & set(published)
    assert people[7].platform_profile_id in published  # another team's list does not apply
    [done] = recorder.of("campaign.discovery_finished")
    assert (done.payload.reason, done.payload.total_discovered) == ("max_prospects", 20)

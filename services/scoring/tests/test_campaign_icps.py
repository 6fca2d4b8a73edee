"""Campaign ICPs in a real Postgres through the scoring role, and the LRU in front."""

from __future__ import annotations

import uuid

import pytest
from leadgen_common.contracts import Icp
from leadgen_common.db.engine import make_engine
from leadgen_common.db.schema import campaigns, icps
from leadgen_scoring.adapters.campaign_icps import PostgresCampaignIcps
from leadgen_scoring.adapters.icp_cache import CachedCampaignIcps
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

TEAM = uuid.uuid4()


@pytest.fixture
async def engines(database):
    admin = make_engine(database["admin"], poolclass=NullPool)
    scoring = make_engine(database["scoring"], poolclass=NullPool)
    try:
        yield admin, scoring
    finally:
        await admin.dispose()
        await scoring.dispose()


async def gateway_campaign(admin, team_id: uuid.UUID, icp: Icp) -> uuid.UUID:
    """What the gateway writes before publishing campaign.started."""
    campaign_id, icp_id = uuid.uuid4(), uuid.uuid4()
    definition = icp.model_dump(mode="json", exclude={"id"})
    async with admin.begin() as conn:
        await conn.execute(
            insert(icps).values(id=icp_id, team_id=team_id, name=icp.name, definition=definition)
        )
        await conn.execute(
            insert(campaigns).values(
                id=campaign_id,
                team_id=team_id,
                icp_id=icp_id,
                name="Q3",
                platforms=["linkedin"],
                created_by="alice",
            )
        )
    return campaign_id


async def test_a_saved_snapshot_is_read_back_and_a_repeat_changes_nothing(engines, sample_icp):
    _, scoring = engines
    repository = PostgresCampaignIcps(scoring)
    campaign_id = uuid.uuid4()
    await repository.save(campaign_id, TEAM, sample_icp)
    await repository.save(campaign_id, TEAM, sample_icp.model_copy(update={"name": "edited"}))
    assert await repository.get(campaign_id, TEAM) == sample_icp


async def test_before_campaign_started_the_gateways_tables_answer(engines, sample_icp):
    admin, scoring = engines
    campaign_id = await gateway_campaign(admin, TEAM, sample_icp)
    found = await PostgresCampaignIcps(scoring).get(campaign_id, TEAM)
    assert found is not None
    assert found.model_dump(exclude={"id"}) == sample_icp.model_dump(exclude={"id"})
    assert found.id is not None and found.id != sample_icp.id  # the stored ICP's own id


async def test_another_teams_campaign_is_not_found(engines, sample_icp):
    admin, scoring = engines
    repository = PostgresCampaignIcps(scoring)
    theirs = await gateway_campaign(admin, uuid.uuid4(), sample_icp)
    snapshot = uuid.uuid4()
    await repository.save(snapshot, uuid.uuid4(), sample_icp)
    assert await repository.get(theirs, TEAM) is None
    assert await repository.get(snapshot, TEAM) is None
    assert await repository.get(uuid.uuid4(), TEAM) is None


async def test_the_scoring_role_cannot_write_the_gateways_tables(engines, sample_icp):
    _, scoring = engines
    with pytest.raises(DBAPIError, match="permission denied"):
        await gateway_campaign(scoring, TEAM, sample_icp)


class CountingRepository:
    def __init__(self, known: dict[uuid.UUID, Icp]) -> None:
        self.known, self.reads, self.saved = known, 0, []

    async def save(self, campaign_id, team_id, icp) -> None:
        self.saved.append(campaign_id)

    async def get(self, campaign_id, team_id):
        self.reads += 1
        return self.known.get(campaign_id)


async def test_the_cache_reads_each_found_campaign_once(sample_icp):
    found, missing = uuid.uuid4(), uuid.uuid4()
    inner = CountingRepository({found: sample_icp})
    cache = CachedCampaignIcps(inner, max_entries=8)
    assert [await cache.get(found, TEAM) for _ in range(3)] == [sample_icp] * 3
    assert [await cache.get(missing, TEAM) for _ in range(2)] == [None, None]
    assert inner.reads == 1 + 2  # misses are asked again: the ICP may appear any moment


async def test_the_cache_evicts_the_least_recently_used(sample_icp):
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    inner = CountingRepository({a: sample_icp, b: sample_icp, c: sample_icp})
    cache = CachedCampaignIcps(inner, max_entries=2)
    for campaign in (a, b, a, c):  # c evicts b, the least recently used
        await cache.get(campaign, TEAM)
    reads = inner.reads
    await cache.get(a, TEAM)
    await cache.get(c, TEAM)
    assert inner.reads == reads
    await cache.get(b, TEAM)
    assert inner.reads == reads + 1


async def test_a_saved_snapshot_is_served_from_the_cache(sample_icp):
    campaign_id = uuid.uuid4()
    inner = CountingRepository({})
    cache = CachedCampaignIcps(inner, max_entries=2)
    await cache.save(campaign_id, TEAM, sample_icp)
    assert await cache.get(campaign_id, TEAM) == sample_icp
    assert (inner.saved, inner.reads) == ([campaign_id], 0)

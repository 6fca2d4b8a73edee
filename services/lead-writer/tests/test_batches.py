"""Batched projection (prospect.discovered / .enriched / .scored, one transaction per
batch) against a real Postgres: it must write exactly what the same events one at a time
write, absorb duplicates inside and across batches, roll a batch with a poison event back
whole, and let batches of different topics over the same prospects run at once."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from leadgen_common.contracts import PoisonMessage
from leadgen_common.db import schema as s
from leadgen_lead_writer.projector import Projector
from sqlalchemy import func, select

OUTCOMES = {
    "ann": "qualified",
    "bob": "review",
    "cyd": "rejected",
    "dee": "qualified",
    "eve": "rejected",
}


COUNTERS = ("discovered", "enriched", "enrichment_skipped", "scored")
COUNTERS += ("qualified", "review", "rejected", "converted")


async def progress(engine, campaign_id):
    async with engine.connect() as conn:
        where = s.campaign_progress.c.campaign_id == campaign_id
        return (await conn.execute(select(s.campaign_progress).where(where))).one()


def counters(row) -> dict[str, int]:
    return {name: getattr(row, name) for name in COUNTERS}


async def count(engine, table) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(table))).scalar()


def by_topic(events):
    """``events`` split as lead-writer's subscribers get them: one list per topic."""
    topics: dict[str, list] = {}
    for envelope in events:
        topics.setdefault(envelope.event_type, []).append(envelope)
    return topics


async def project_batched(projector: Projector, events, *, batch: int) -> None:
    topics = by_topic(events)
    for envelope in topics.pop("campaign.started"):
        await projector.campaign_started(envelope)
    for topic in ("prospect.discovered", "prospect.enriched", "prospect.scored"):
        pending = topics.pop(topic)
        for start in range(0, len(pending), batch):
            await projector.prospect_events(pending[start : start + batch])
    for envelope in topics.pop("campaign.discovery_finished"):
        await projector.discovery_finished(envelope)
    assert topics == {}


@pytest.mark.parametrize("batch", [2, 100])
async def test_batches_write_what_one_event_at_a_time_writes(
    open_service, campaign, events, state, batch
):
    sequence = events.pipeline(campaign, OUTCOMES)
    final = {}
    async with open_service() as service:
        await service.send(*sequence)
        await service.relay.relay_once()
        final["one at a time"] = await state(service.engine, campaign.team_id)
    async with open_service() as service:
        await project_batched(
            Projector(service.engine, cipher=service.cipher), sequence, batch=batch
        )
        await service.relay.relay_once()
        final["batched"] = await state(service.engine, campaign.team_id)
    assert final["batched"] == final["one at a time"]
    assert final["batched"]["progress"][0]["status"] == "completed"


async def test_duplicates_inside_and_across_batches_count_once(service, campaign, events):
    sequence = events.pipeline(campaign, OUTCOMES)
    topics = by_topic(sequence)
    projector = Projector(service.engine, cipher=service.cipher)
    await projector.campaign_started(topics["campaign.started"][0])
    discovered = topics["prospect.discovered"]
    # A redelivered event inside the batch, and the first two again in a later batch.
    await projector.prospect_events([*discovered, discovered[0]])
    await projector.prospect_events(discovered[:2])
    # The same people re-published under new event ids (a producer retry): stage flags.
    await projector.prospect_events([campaign.discovered("ann"), campaign.discovered("bob", 1)])
    await projector.prospect_events(topics["prospect.enriched"])
    await projector.prospect_events([*topics["prospect.scored"], *topics["prospect.scored"]])

    row = await progress(service.engine, campaign.campaign_id)
    assert counters(row) == {
        "discovered": 5,
        "enriched": 5,
        "enrichment_skipped": 0,
        "scored": 5,
        "qualified": 2,
        "review": 1,
        "rejected": 2,
        "converted": 2,
    }
    assert row.platforms["linkedin"]["discovered"] == 5
    assert row.cost_total == Decimal("0.50")  # one 0.10 call per enriched person, once
    assert await count(service.engine, s.leads) == 2
    assert await count(service.engine, s.outbox) == 2
    # Every distinct event id once (the two re-published ones are new ids).
    assert await count(service.engine, s.processed_events) == 1 + 5 + 2 + 5 + 5


async def test_a_poison_event_rolls_its_whole_batch_back(service, campaign, events):
    topics = by_topic(events.pipeline(campaign, OUTCOMES))
    projector = Projector(service.engine, cipher=service.cipher)
    good = topics["prospect.discovered"]
    zed = campaign.discovered("zed")
    wrong_id = zed.payload.model_copy(update={"prospect_id": campaign.prospect_id("ann")})
    forged = zed.model_copy(update={"payload": wrong_id})  # not (team, platform, zed)

    with pytest.raises(PoisonMessage):
        await projector.prospect_events([*good, forged])

    # Nothing of the batch was written: the EventBus replays it one event at a time.
    assert await count(service.engine, s.processed_events) == 0
    assert await count(service.engine, s.campaign_prospects) == 0
    await projector.prospect_events(good)
    assert (await progress(service.engine, campaign.campaign_id)).discovered == 5


async def test_batches_of_different_topics_over_the_same_prospects_run_at_once(
    service, campaign, events
):
    """Sorted by prospect id, concurrent batches lock rows in one order: no deadlock,
    and the counters are exact whichever commits first."""
    topics = by_topic(events.pipeline(campaign, OUTCOMES))
    projector = Projector(service.engine, cipher=service.cipher)
    await projector.campaign_started(topics["campaign.started"][0])
    for _ in range(3):  # each round redelivers everything, at once, in opposite orders
        await asyncio.wait_for(
            asyncio.gather(
                projector.prospect_events(topics["prospect.discovered"]),
                projector.prospect_events(topics["prospect.enriched"][::-1]),
                projector.prospect_events(topics["prospect.scored"]),
            ),
            timeout=30,
        )
    row = await progress(service.engine, campaign.campaign_id)
    assert (row.discovered, row.enriched, row.scored) == (5, 5, 5)
    assert (row.qualified, row.review, row.rejected, row.converted) == (2, 1, 2, 2)


async def test_a_lost_insert_race_is_recognised_and_other_violations_are_not(service):
    """The retry in Projector._transaction must see the natural-key collision of two
    concurrent first inserts (as Postgres reports it through SQLAlchemy and asyncpg), and
    nothing else: any other unique violation is a real error."""
    import uuid as _uuid

    from leadgen_lead_writer.projector import _lost_a_race
    from sqlalchemy import insert
    from sqlalchemy.exc import DBAPIError

    team = _uuid.uuid4()
    row = {"team_id": team, "platform": "linkedin", "platform_profile_id": "p-1"}
    async with service.engine.begin() as conn:
        await conn.execute(insert(s.prospects).values(id=_uuid.uuid4(), **row))
    with pytest.raises(DBAPIError) as natural_key:
        async with service.engine.begin() as conn:
            await conn.execute(insert(s.prospects).values(id=_uuid.uuid4(), **row))
    assert _lost_a_race(natural_key.value)

    event_id = _uuid.uuid4()
    processed = {"consumer": "test", "event_id": event_id}
    async with service.engine.begin() as conn:
        await conn.execute(insert(s.processed_events).values(**processed))
    with pytest.raises(DBAPIError) as other_key:
        async with service.engine.begin() as conn:
            await conn.execute(insert(s.processed_events).values(**processed))
    assert not _lost_a_race(other_key.value)

"""The handlers against a real Postgres through FastStream's in-memory broker: every
projection, its idempotence under redelivery, and its independence of event order."""

from __future__ import annotations

import random
import uuid
from decimal import Decimal
from typing import Any

import pytest
from leadgen_common.contracts import lead_id_for
from leadgen_common.db import schema as s
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

OUTCOMES = {"ann": "qualified", "bob": "review", "cyd": "rejected"}
COUNTERS = (
    "discovered",
    "enriched",
    "enrichment_skipped",
    "scored",
    "qualified",
    "review",
    "rejected",
    "converted",
)


async def progress(engine: AsyncEngine, campaign_id: uuid.UUID) -> Any:
    async with engine.connect() as conn:
        stmt = select(s.campaign_progress).where(s.campaign_progress.c.campaign_id == campaign_id)
        return (await conn.execute(stmt)).one()


def counters(row: Any) -> dict[str, int]:
    return {name: getattr(row, name) for name in COUNTERS}


async def statuses(engine: AsyncEngine, campaign_id: uuid.UUID) -> dict[uuid.UUID, str]:
    async with engine.connect() as conn:
        stmt = select(s.campaign_prospects.c.prospect_id, s.campaign_prospects.c.status).where(
            s.campaign_prospects.c.campaign_id == campaign_id
        )
        return dict((await conn.execute(stmt)).all())


async def count(engine: AsyncEngine, table: Any, *where: Any) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(table).where(*where))).scalar()


async def test_pipeline_projects_prospects_counters_and_one_lead(service, campaign, events):
    await service.send(*events.pipeline(campaign, OUTCOMES))

    row = await progress(service.engine, campaign.campaign_id)
    assert counters(row) == {
        "discovered": 3,
        "enriched": 3,
        "enrichment_skipped": 0,
        "scored": 3,
        "qualified": 1,
        "review": 1,
        "rejected": 1,
        "converted": 1,
    }
    assert row.cost_total == Decimal("0.30")
    assert row.platforms["linkedin"]["discovered"] == 3
    assert row.platforms["linkedin"]["reported_discovered"] == 3
    assert row.warnings == ["age range is not searchable"]
    assert row.discovery_finished and row.expected_discovered == 3
    assert row.status == "running"  # the lead's outbox row is not published yet
    ann, bob, cyd = (campaign.prospect_id(p) for p in OUTCOMES)
    assert await statuses(service.engine, campaign.campaign_id) == {
        ann: "converted",
        bob: "review",
        cyd: "rejected",
    }
    async with service.engine.connect() as conn:
        lead = (await conn.execute(select(s.leads))).one()
        prospect = (await conn.execute(select(s.prospects).where(s.prospects.c.id == ann))).one()
        [outbox] = (await conn.execute(select(s.outbox))).all()
    assert lead.id == lead_id_for(ann) and lead.source == "auto"
    assert lead.contact_info == {"email": "ann@acme.example", "email_status": "valid"}
    assert lead.company_info["employees"] == 120
    assert prospect.contact_info["email"] == "ann@acme.example"
    assert prospect.quality_score == 0.7
    assert outbox.key == str(lead.id) and outbox.published_at is None
    payload = outbox.payload["payload"]
    assert payload["breakdown"]["activity"]["reasons"] == ["matches at 0.82"]
    assert payload["email"] == "ann@acme.example" and payload["source"] == "auto"
    assert outbox.payload["correlation_id"] == campaign.correlation_id
    assert service.dead_letters == []


async def test_redelivery_of_every_event_type_changes_nothing(service, campaign, events, state):
    every_type = [
        *events.pipeline(campaign, OUTCOMES),
        campaign.reviewed("bob", "reject"),
        campaign.control("pause"),
        campaign.control("resume"),
    ]
    await service.send(*every_type)
    once = await state(service.engine, campaign.team_id)

    await service.send(*every_type)  # same event ids: at-least-once delivery

    assert await state(service.engine, campaign.team_id) == once
    assert await count(service.engine, s.outbox) == 1
    assert await count(service.engine, s.processed_events) == len(every_type)
    assert service.dead_letters == []


async def test_republished_duplicates_under_new_event_ids_count_nothing_twice(
    service, campaign, events, state
):
    await service.send(*events.pipeline(campaign, OUTCOMES))
    before = await state(service.engine, campaign.team_id)

    # A stage that crashed after publishing publishes again: same facts, new event ids.
    await service.send(
        campaign.discovered("ann"),
        campaign.enriched("ann"),
        campaign.scored("ann", "qualified"),
        campaign.scored("bob", "qualified"),  # a re-score never changes a counted outcome
        campaign.finished(3),
    )

    after = await state(service.engine, campaign.team_id)
    for changed in (before, after):  # the newest enrichment's time is the one kept
        for prospect in changed["prospects"]:
            del prospect["enriched_at"]
    assert after == before
    assert await count(service.engine, s.leads) == 1


def _orders(events: list[Any], order: str) -> list[Any]:
    if order == "reversed":
        return events[::-1]
    shuffled = list(events)
    random.Random(order).shuffle(shuffled)
    return shuffled


@pytest.mark.parametrize("order", ["reversed", "shuffled-1", "shuffled-2", "shuffled-3"])
async def test_events_in_any_order_give_the_same_final_state(
    open_service, campaign, events, state, order
):
    in_pipeline_order = [*events.pipeline(campaign, OUTCOMES), campaign.reviewed("bob", "convert")]
    final = {}
    for name, sequence in [("pipeline", in_pipeline_order), (order, None)]:
        if sequence is None:  # a review only exists after scoring: it stays last
            sequence = [*_orders(in_pipeline_order[:-1], order), in_pipeline_order[-1]]
        async with open_service() as service:
            await service.send(*sequence)
            await service.relay.relay_once()
            assert service.dead_letters == []
            final[name] = await state(service.engine, campaign.team_id)
    assert final[order] == final["pipeline"]
    assert final["pipeline"]["progress"][0]["status"] == "completed"

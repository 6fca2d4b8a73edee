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
from leadgen_common.testing.pii import revealed
from sqlalchemy import func, select, text
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
    assert revealed(lead).contact_info == {"email": "ann@acme.example", "email_status": "valid"}
    assert lead.company_info["employees"] == 120
    assert revealed(prospect).contact_info["email"] == "ann@acme.example"
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
        campaign.updated("ann", {"email": "ann@private.example"}, assignee="rep-1"),
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


async def test_a_person_who_already_is_a_lead_gets_no_second_lead(service, campaign, events):
    await service.send(*events.pipeline(campaign, {"ann": "qualified"}))
    second = campaign.in_campaign(auto_convert=True)  # same team: ann is the same prospect

    await service.send(*events.pipeline(second, {"ann": "qualified", "dan": "qualified"}))
    await service.relay.relay_once()

    ann, dan = campaign.prospect_id("ann"), campaign.prospect_id("dan")
    assert await statuses(service.engine, second.campaign_id) == {
        ann: "qualified",
        dan: "converted",
    }
    row = await progress(service.engine, second.campaign_id)
    assert (row.qualified, row.converted) == (2, 1)
    assert row.status == "completed"  # qualified is terminal for a person already a lead
    assert await count(service.engine, s.leads) == 2
    assert await count(service.engine, s.outbox) == 2
    async with service.engine.connect() as conn:
        lead = (await conn.execute(select(s.leads).where(s.leads.c.prospect_id == ann))).one()
    assert lead.campaign_id == campaign.campaign_id
    assert sorted(e.payload.prospect_id for e in service.lead_events) == sorted([ann, dan])


async def test_manual_review_moves_counters_and_converts_once(service, new_campaign, events):
    campaign = new_campaign(auto_convert=False)
    outcomes = {"ann": "qualified", "bob": "review", "cyd": "review", "dan": "rejected"}
    await service.send(*events.pipeline(campaign, outcomes))
    assert counters(await progress(service.engine, campaign.campaign_id))["converted"] == 0

    await service.send(
        campaign.reviewed("bob", "convert"),
        campaign.reviewed("cyd", "reject"),
        campaign.reviewed("ann", "convert"),
        campaign.reviewed("bob", "reject"),  # too late: bob is a lead now
        campaign.reviewed("dan", "convert"),  # rejected prospects are not reviewable
    )

    row = await progress(service.engine, campaign.campaign_id)
    assert counters(row) == {
        "discovered": 4,
        "enriched": 4,
        "enrichment_skipped": 0,
        "scored": 4,
        "qualified": 2,
        "review": 0,
        "rejected": 2,
        "converted": 2,
    }
    assert row.qualified + row.review + row.rejected == row.scored
    found = await statuses(service.engine, campaign.campaign_id)
    assert {p: found[campaign.prospect_id(p)] for p in outcomes} == {
        "ann": "converted",
        "bob": "converted",
        "cyd": "rejected",
        "dan": "rejected",
    }
    async with service.engine.connect() as conn:
        sources = (await conn.execute(select(s.leads.c.source))).scalars().all()
    assert sources == ["review", "review"]
    assert service.dead_letters == []


async def test_a_review_of_an_unscored_prospect_is_dead_lettered(service, campaign):
    await service.send(campaign.discovered("ann"), campaign.reviewed("ann", "convert"))

    [(topic, headers)] = service.dead_letters
    assert topic == "prospect.reviewed" and headers["x-dlq-reason"] == "not_reviewable"
    assert await count(service.engine, s.leads) == 0
    # Not recorded as processed: a replay once the prospect is scored applies it.
    await service.send(campaign.scored("ann", "review"))
    replay = campaign.reviewed("ann", "convert")
    await service.send(replay)
    assert await count(service.engine, s.leads) == 1


async def test_a_prospect_id_of_another_identity_is_dead_lettered(service, campaign, new_campaign):
    stranger = new_campaign()
    forged = campaign.discovered("ann").model_copy(update={"team_id": stranger.team_id})

    await service.send(forged)

    [(topic, headers)] = service.dead_letters
    assert headers["x-dlq-reason"] == "contract_violation"
    assert await count(service.engine, s.prospects) == 0


async def test_enrichment_skips_costs_and_ledger(service, campaign, events):
    calls = [events.call("clearbit", "0.10"), events.call("hunter", "0.05")]
    enriched = campaign.enriched("ann", calls=calls)
    await service.send(
        campaign.discovered("ann"),
        campaign.discovered("bob"),
        enriched,
        enriched,  # redelivered: the ledger keys on (event, call index)
        campaign.enriched("bob", skipped="low_pre_score"),
    )

    row = await progress(service.engine, campaign.campaign_id)
    assert (row.enriched, row.enrichment_skipped) == (2, 1)
    assert row.cost_total == Decimal("0.15")
    async with service.engine.connect() as conn:
        ledger = (await conn.execute(select(s.enrichment_log))).all()
        skipped = (
            await conn.execute(
                select(s.campaign_prospects.c.enrichment_skipped).where(
                    s.campaign_prospects.c.prospect_id == campaign.prospect_id("bob")
                )
            )
        ).scalar()
        bob = (
            await conn.execute(
                select(s.prospects).where(s.prospects.c.id == campaign.prospect_id("bob"))
            )
        ).one()
    assert sorted((r.provider, r.call_index, r.cost) for r in ledger) == [
        ("clearbit", 0, Decimal("0.1000")),
        ("hunter", 1, Decimal("0.0500")),
    ]
    assert skipped == "low_pre_score"
    assert bob.enrichment_data == {} and bob.enriched_at is None


async def test_user_edited_fields_are_never_overwritten(service, campaign):
    await service.send(campaign.discovered("ann"))
    # What PATCH /prospects/{id} publishes: the user corrects ann's title and email.
    edit = {"title": "Chief Platform Officer", "email": "ann.private@example.org"}
    await service.send(campaign.updated("ann", edit))

    # Enrichment then finds another address (verified valid) and the profile's title.
    await service.send(campaign.enriched("ann"), campaign.scored("ann", "qualified"))

    async with service.engine.connect() as conn:
        ann = (
            await conn.execute(
                select(s.prospects).where(s.prospects.c.id == campaign.prospect_id("ann"))
            )
        ).one()
        lead = (await conn.execute(select(s.outbox.c.payload))).scalar()
    ann = revealed(ann)
    assert ann.title == "Chief Platform Officer"
    # The provider's verification status was about its own address, not the user's.
    assert ann.contact_info == {"email": "ann.private@example.org"}
    assert ann.edited_fields == ["email", "title"]
    assert ann.enrichment_data["email"] == "ann@acme.example"  # what the provider said
    assert ann.company_name == "Acme"  # not edited: refreshed from the profile
    assert lead["payload"]["email"] == "ann.private@example.org"
    assert lead["payload"]["title"] == "Chief Platform Officer"
    assert service.dead_letters == []


async def test_prospect_events_before_campaign_started_carry_the_options(
    service, new_campaign, events
):
    campaign = new_campaign(auto_convert=False)
    pipeline = events.pipeline(campaign, {"ann": "qualified"})
    started, rest = pipeline[0], pipeline[1:]

    await service.send(*rest)

    row = await progress(service.engine, campaign.campaign_id)
    assert row.options["auto_convert"] is False
    assert row.status == "completed"  # qualified is terminal without auto-convert
    await service.send(started)
    assert (await progress(service.engine, campaign.campaign_id)).status == "completed"


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        (["pause"], "paused"),
        (["pause", "resume"], "running"),
        (["pause", "cancel", "resume"], "cancelled"),
        (["cancel", "pause"], "cancelled"),
    ],
)
async def test_control_commands_mirror_into_the_status(service, campaign, actions, expected):
    await service.send(campaign.started(), *(campaign.control(a) for a in actions))
    assert (await progress(service.engine, campaign.campaign_id)).status == expected


async def test_control_before_start_is_kept(service, campaign):
    await service.send(campaign.control("pause"), campaign.started())
    row = await progress(service.engine, campaign.campaign_id)
    assert row.status == "paused" and row.options["max_prospects"] == 1000


async def test_discovery_failure_fails_the_campaign(service, campaign):
    await service.send(
        campaign.started(), campaign.finished(0, reason="failed", failure="HTTP 503 from search")
    )
    row = await progress(service.engine, campaign.campaign_id)
    assert row.status == "failed"
    assert row.failure_reason == "linkedin: HTTP 503 from search"
    assert row.platforms["linkedin"]["failure_reason"] == "HTTP 503 from search"

    await service.send(campaign.control("resume"))
    assert (await progress(service.engine, campaign.campaign_id)).status == "failed"


async def test_the_service_role_owns_only_lead_writer_tables(service):
    async with service.engine.connect() as conn:
        role = (await conn.execute(text("SELECT current_user"))).scalar()
    assert role == "leadgen_lead_writer"


async def test_a_redelivered_older_command_does_not_undo_a_newer_one(service, campaign):
    """Only event-level dedupe protects this: pause is not idempotent across a resume."""
    pause = campaign.control("pause")
    await service.send(campaign.started(), pause, campaign.control("resume"))

    await service.send(pause)  # redelivered after a rebalance, behind the resume

    assert (await progress(service.engine, campaign.campaign_id)).status == "running"

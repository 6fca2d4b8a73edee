"""Erasure, opt-outs and refusing suppressed people, on a real Postgres through the
in-memory broker: prospect.erase scrubs every lead-writer table (searched column by column
afterwards), keeps an anonymous record, suppresses the person by hash and confirms with
prospect.erased through the outbox; suppression.add stores a digest only; an event of a
suppressed person stores nothing and its campaign still completes."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from leadgen_common.contracts import decode, envelope_for, lead_id_for
from leadgen_common.contracts.events import AddSuppression, EraseProspect
from leadgen_common.db import schema as s
from leadgen_common.suppression import Entry, Kind, entry, platform_id
from leadgen_lead_writer.relay import OutboxRelay
from sqlalchemy import JSON, Text, cast, select
from sqlalchemy.dialects.postgresql import JSONB

COUNTERS = ("discovered", "enriched", "scored", "qualified", "review", "rejected", "converted")


def erase(campaign, person: str, requested_by: str = "admin-1"):
    command = EraseProspect(prospect_id=campaign.prospect_id(person), requested_by=requested_by)
    return envelope_for(command, team_id=campaign.team_id, correlation_id="erase")


def suppress(campaign, kind: str, value: str, *, hashed: bool = False):
    command = AddSuppression(kind=kind, value=value, requested_by="admin-1", hashed=hashed)
    return envelope_for(command, team_id=campaign.team_id, correlation_id="opt-out")


async def rows(engine, table, **where: Any) -> list[Any]:
    query = select(table).where(*(table.c[k] == v for k, v in where.items()))
    async with engine.connect() as conn:
        return (await conn.execute(query)).all()


async def listed(engine, team_id: uuid.UUID) -> dict[Entry, str]:
    found = await rows(engine, s.suppressions, team_id=team_id)
    return {Entry(Kind(r.kind), r.value): r.reason for r in found}


async def counters(engine, campaign_id: uuid.UUID) -> dict[str, int]:
    [row] = await rows(engine, s.campaign_progress, campaign_id=campaign_id)
    return {name: getattr(row, name) for name in COUNTERS} | {"status": row.status}


async def mentions(engine, *needles: str) -> list[str]:
    """``table.column`` of every text and jsonb value of lead-writer's tables (all rows,
    read as the owner) that contains one of ``needles``."""
    found = []
    async with engine.connect() as conn:
        for table in s.metadata.tables.values():
            if table.info["owner"] != "lead-writer":
                continue
            for column in table.c:
                if not isinstance(column.type, Text | JSONB | JSON):
                    continue
                value = cast(column, Text)
                for needle in needles:
                    query = select(value).where(value.contains(needle)).limit(1)
                    if (await conn.execute(query)).first() is not None:
                        found.append(f"{table.name}.{column.name} ~ {needle}")
    return found


def ann_traces(campaign) -> tuple[str, ...]:
    """What would identify ann (the builders' profile and enrichment of "ann")."""
    profile = campaign.profile("ann")
    return (profile.name, profile.profile_url, "in/ann", "ann@acme.example")


async def test_erasure_scrubs_every_table_keeps_an_anonymous_record_and_confirms(
    service, campaign, events
):
    await service.send(*events.pipeline(campaign, {"ann": "qualified", "bob": "review"}))
    again = campaign.in_campaign(auto_convert=False)
    await service.send(again.discovered("ann"), again.scored("ann", "qualified"))
    before = await counters(service.engine, campaign.campaign_id)
    ann = campaign.prospect_id("ann")
    assert await mentions(service.engine, *ann_traces(campaign))  # it is there to erase

    await service.send(erase(campaign, "ann"))

    assert await mentions(service.engine, *ann_traces(campaign)) == []
    [row] = await rows(service.engine, s.prospects, id=ann)
    digest = entry("platform_id", platform_id("linkedin", "ann")).digest
    assert row.erased_at is not None and row.platform_profile_id == digest
    assert (row.name, row.title, row.company_name, row.location, row.profile_url) == (None,) * 5
    assert (row.contact_info, row.profile_data, row.enrichment_data) == ({}, {}, {})
    assert row.quality_score == 0.7  # not about the person
    statuses = {r.campaign_id: r for r in await rows(service.engine, s.campaign_prospects)}
    for campaign_row in (statuses[campaign.campaign_id], statuses[again.campaign_id]):
        if campaign_row.prospect_id == ann:
            assert campaign_row.status == "erased"
            assert campaign_row.breakdown["activity"] == {"score": 0.82, "reasons": []}
    [lead] = await rows(service.engine, s.leads, prospect_id=ann)
    assert (lead.contact_info, lead.company_info, lead.social_profiles) == ({}, {}, {})
    assert (lead.status, lead.icp_match_score) == ("new", 0.82)
    ledger = await rows(service.engine, s.enrichment_log, prospect_id=ann)
    assert [(r.provider, r.cost) for r in ledger] == [("clearbit", Decimal("0.1000"))]
    # History stays: the counters are aggregates, and the lead row remains; ann's
    # lead.created was all the campaign still waited for.
    after = await counters(service.engine, campaign.campaign_id)
    assert (before["status"], after.pop("status")) == ("running", "completed")
    assert after == {k: v for k, v in before.items() if k != "status"}
    # Never to be found again: the person's own identifiers, hashed.
    assert await listed(service.engine, campaign.team_id) == {
        entry("platform_id", "linkedin:ann"): "erased",
        entry("profile_url", "https://linkedin.example/in/ann"): "erased",
        entry("email", "ann@acme.example"): "erased",
    }
    # Bob is untouched.
    [bob] = await rows(service.engine, s.prospects, id=campaign.prospect_id("bob"))
    assert bob.name == "Person bob" and bob.erased_at is None
    # The unpublished lead.created of ann will never go out; prospect.erased will.
    outbox = await rows(service.engine, s.outbox)
    assert [(o.topic, o.key) for o in outbox] == [("prospect.erased", str(ann))]
    confirmed = outbox[0].payload["payload"]
    assert confirmed["prospect_id"] == str(ann)
    assert datetime.fromisoformat(confirmed["erased_at"]) == row.erased_at
    published = []

    async def capture(message) -> None:
        published.append(message)

    assert await OutboxRelay(service.engine, capture).relay_once() == 1
    [message] = published
    assert message.topic == "prospect.erased"
    assert decode("prospect.erased", message.body).payload.prospect_id == ann
    assert service.dead_letters == []


async def test_erasure_is_idempotent_and_a_new_request_confirms_the_first_time(
    service, campaign, events
):
    await service.send(*events.pipeline(campaign, {"ann": "qualified"}))
    command = erase(campaign, "ann")
    await service.send(command)
    [first] = await rows(service.engine, s.prospects, id=campaign.prospect_id("ann"))

    await service.send(command)  # redelivered: absorbed
    assert len(await rows(service.engine, s.outbox, topic="prospect.erased")) == 1
    await service.send(erase(campaign, "ann", requested_by="admin-2"))  # asked again

    [again] = await rows(service.engine, s.prospects, id=campaign.prospect_id("ann"))
    assert again.erased_at == first.erased_at
    confirmations = await rows(service.engine, s.outbox, topic="prospect.erased")
    times = [datetime.fromisoformat(c.payload["payload"]["erased_at"]) for c in confirmations]
    assert times == [first.erased_at, first.erased_at]
    assert len(await listed(service.engine, campaign.team_id)) == 3
    assert service.dead_letters == []


async def test_erasing_a_lead_whose_event_is_unpublished_lets_its_campaign_complete(
    service, campaign, events
):
    await service.send(*events.pipeline(campaign, {"ann": "qualified", "bob": "rejected"}))
    assert (await counters(service.engine, campaign.campaign_id))["status"] == "running"

    await service.send(erase(campaign, "ann"))  # its lead.created was the last thing awaited

    assert (await counters(service.engine, campaign.campaign_id))["status"] == "completed"


async def test_an_erased_person_met_again_stores_nothing_and_the_campaign_completes(
    service, campaign, events
):
    await service.send(*events.pipeline(campaign, {"ann": "qualified"}))
    await service.send(erase(campaign, "ann"))
    later = campaign.in_campaign()

    await service.send(*events.pipeline(later, {"ann": "qualified", "bob": "qualified"}))

    assert await mentions(service.engine, *ann_traces(campaign)) == []
    [ann_row] = [
        r
        for r in await rows(service.engine, s.campaign_prospects, campaign_id=later.campaign_id)
        if r.prospect_id == campaign.prospect_id("ann")
    ]
    assert ann_row.status == "erased"
    assert ann_row.breakdown["demographics"]["reasons"] == []
    assert await counters(service.engine, later.campaign_id) == {
        "discovered": 2,
        "enriched": 2,
        "scored": 2,
        "qualified": 1,
        "review": 0,
        "rejected": 1,  # refused, never routed
        "converted": 1,  # bob
        "status": "running",  # bob's lead.created is still in the outbox
    }
    leads = {lead.id for lead in await rows(service.engine, s.leads)}
    ann, bob = (campaign.prospect_id(p) for p in ("ann", "bob"))
    assert leads == {lead_id_for(ann), lead_id_for(bob)}  # ann's first one, anonymous
    # Confirmed again for the scored event (scoring stored vectors of ann on its way):
    # the scoring service drops them on it; the first erasure's time is kept.
    confirmations = await rows(service.engine, s.outbox, topic="prospect.erased")
    assert len(confirmations) == 2
    assert len({c.payload["payload"]["erased_at"] for c in confirmations}) == 1


async def test_an_opt_out_is_stored_as_a_digest_only(service, campaign):
    digest = entry("email", "cat@acme.example").digest
    await service.send(
        suppress(campaign, "email", digest, hashed=True),
        suppress(campaign, "domain", "https://www.Blocked.io/"),  # an older producer's plain
        suppress(campaign, "email", digest, hashed=True),  # twice: one entry
    )

    assert await listed(service.engine, campaign.team_id) == {
        Entry(Kind.EMAIL, digest): "opt_out",
        entry("domain", "blocked.io"): "opt_out",
    }
    assert await mentions(service.engine, "blocked", "cat@") == []
    assert service.dead_letters == []


@pytest.mark.parametrize(
    ("kind", "value", "hashed"),
    [("phone", "123", False), ("email", "not an email", False), ("email", "ABC", True)],
)
async def test_an_opt_out_naming_nothing_is_dead_lettered(service, campaign, kind, value, hashed):
    await service.send(suppress(campaign, kind, value, hashed=hashed))

    assert [topic for topic, _ in service.dead_letters] == ["suppression.add"]
    assert await listed(service.engine, campaign.team_id) == {}


async def test_a_person_opted_out_after_a_first_campaign_is_erased_when_met_again(
    service, campaign, events
):
    await service.send(*events.pipeline(campaign, {"cat": "qualified", "dan": "review"}))
    await service.send(suppress(campaign, "email", "CAT@acme.example"))
    later = campaign.in_campaign()

    # discovery could not know cat's email: enrichment finds it, and it is on the list
    await service.send(*events.pipeline(later, {"cat": "qualified", "dan": "review"}))

    cat = campaign.prospect_id("cat")
    [row] = await rows(service.engine, s.prospects, id=cat)
    assert row.erased_at is not None and row.name is None and row.contact_info == {}
    assert {
        r.status for r in await rows(service.engine, s.campaign_prospects, prospect_id=cat)
    } == {"erased"}
    assert await mentions(service.engine, "Person cat", "cat@acme.example", "in/cat") == []
    assert set(await listed(service.engine, campaign.team_id)) >= {
        entry("platform_id", "linkedin:cat"),
        entry("profile_url", "https://linkedin.example/in/cat"),
        entry("email", "cat@acme.example"),
    }
    progress = await counters(service.engine, later.campaign_id)
    assert progress["scored"] == progress["qualified"] + progress["review"] + progress["rejected"]
    assert progress["converted"] == 0  # cat was refused, dan is in review
    assert progress["status"] == "completed"
    # erased at its enriched event, confirmed again at its scored one (vectors stored)
    assert len(await rows(service.engine, s.outbox, topic="prospect.erased")) == 2
    assert service.dead_letters == []


async def test_a_person_enrichment_withheld_gets_an_empty_erased_row(service, campaign):
    discovered = campaign.discovered("eve")
    enriched = campaign.enriched("eve", skipped="suppressed")
    blank = enriched.payload.profile.model_copy(
        update={"profile_url": "", "name": "", "title": None}
    )
    enriched = enriched.model_copy(
        update={"payload": enriched.payload.model_copy(update={"profile": blank})}
    )

    await service.send(enriched)  # before its prospect.discovered: any order
    await service.send(discovered)

    [row] = await rows(service.engine, s.prospects, id=campaign.prospect_id("eve"))
    assert row.erased_at is not None and row.name is None and row.profile_url is None
    assert await mentions(service.engine, "Person eve", "in/eve") == []
    [campaign_row] = await rows(service.engine, s.campaign_prospects)
    assert (campaign_row.status, campaign_row.enrichment_skipped) == ("erased", "suppressed")
    assert entry("platform_id", "linkedin:eve") in await listed(service.engine, campaign.team_id)


async def test_the_erase_command_of_another_team_is_dead_lettered(service, campaign, new_campaign):
    await service.send(campaign.discovered("ann"))
    intruder = new_campaign()
    command = EraseProspect(prospect_id=campaign.prospect_id("ann"), requested_by="x")

    await service.send(envelope_for(command, team_id=intruder.team_id, correlation_id="x"))

    assert [topic for topic, _ in service.dead_letters] == ["prospect.erase"]
    [row] = await rows(service.engine, s.prospects, id=campaign.prospect_id("ann"))
    assert row.erased_at is None and row.name == "Person ann"

"""prospect.update on a real Postgres through the in-memory broker: a user's edit sets and
marks the fields, assigns, reaches the person's lead, survives later enrichment, is
idempotent under redelivery, and what can never apply is dead-lettered."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from leadgen_common.db import schema as s
from leadgen_common.testing.pii import revealed
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine


async def prospect(engine: AsyncEngine, prospect_id: uuid.UUID) -> Any:
    """The row, its contact details decrypted (and checked to be stored encrypted)."""
    async with engine.connect() as conn:
        query = select(s.prospects).where(s.prospects.c.id == prospect_id)
        return revealed((await conn.execute(query)).one())


async def lead_of(engine: AsyncEngine, prospect_id: uuid.UUID) -> Any:
    async with engine.connect() as conn:
        query = select(s.leads).where(s.leads.c.prospect_id == prospect_id)
        return revealed((await conn.execute(query)).one())


async def test_an_edit_sets_and_marks_the_fields_and_assigns(service, campaign):
    await service.send(campaign.discovered("ann"), campaign.enriched("ann"))
    before = await prospect(service.engine, campaign.prospect_id("ann"))
    assert before.contact_info == {"email": "ann@acme.example", "email_status": "valid"}

    await service.send(
        campaign.updated(
            "ann",
            {
                "email": "ann@private.example",
                "phone": "+49 30 1234567",
                "title": "CTO",
                "company_name": "Acme GmbH",
                "location": None,  # cleared
            },
            assignee="rep-1",
        )
    )

    ann = await prospect(service.engine, campaign.prospect_id("ann"))
    assert (ann.title, ann.company_name, ann.location) == ("CTO", "Acme GmbH", None)
    assert (ann.name, ann.company_domain) == ("Person ann", "acme.example")  # not edited
    assert ann.contact_info == {"email": "ann@private.example", "phone": "+49 30 1234567"}
    assert ann.edited_fields == ["company_name", "email", "location", "phone", "title"]
    assert ann.assignee == "rep-1"
    assert service.dead_letters == []


async def test_marks_accumulate_without_duplicates_and_assignment_is_kept_or_removed(
    service, campaign
):
    await service.send(campaign.discovered("ann"))
    await service.send(
        campaign.updated("ann", {"title": "CTO"}, assignee="rep-1"),
        campaign.updated("ann", {"email": "a@x.example", "title": "CEO"}),  # keeps rep-1
    )
    ann = await prospect(service.engine, campaign.prospect_id("ann"))
    assert (ann.edited_fields, ann.title, ann.assignee) == (["email", "title"], "CEO", "rep-1")

    await service.send(campaign.updated("ann", unassign=True))
    ann = await prospect(service.engine, campaign.prospect_id("ann"))
    assert (ann.edited_fields, ann.assignee) == (["email", "title"], None)


async def test_later_pipeline_events_leave_every_edited_field_alone(service, campaign):
    """A cleared field stays cleared too: enrichment and rediscovery never refill it."""
    await service.send(campaign.discovered("ann"))
    await service.send(
        campaign.updated("ann", {"email": None, "title": None, "name": "Ann Smith"}),
    )
    again = campaign.in_campaign()
    await service.send(
        again.discovered("ann"), again.enriched("ann"), again.scored("ann", "qualified")
    )

    ann = await prospect(service.engine, campaign.prospect_id("ann"))
    assert (ann.name, ann.title) == ("Ann Smith", None)
    assert ann.contact_info == {}  # neither the provider's email nor its status
    assert ann.edited_fields == ["email", "name", "title"]
    lead = await lead_of(service.engine, ann.id)
    assert lead.contact_info == {}
    async with service.engine.connect() as conn:
        [outbox] = (await conn.execute(select(s.outbox.c.payload))).scalars().all()
    event = outbox["payload"]
    assert (event["name"], event["title"], event["email"]) == ("Ann Smith", None, None)


async def test_enrichment_may_verify_the_users_own_email_but_not_replace_it(service, campaign):
    await service.send(campaign.discovered("ann"))
    await service.send(campaign.updated("ann", {"email": "ann@private.example"}))
    enriched = campaign.enriched("ann")
    own = enriched.payload.enrichment.model_copy(
        update={"email": "ann@private.example", "email_status": "accept_all"}
    )
    await service.send(
        enriched.model_copy(
            update={"payload": enriched.payload.model_copy(update={"enrichment": own})}
        )
    )

    ann = await prospect(service.engine, campaign.prospect_id("ann"))
    assert ann.contact_info == {"email": "ann@private.example", "email_status": "accept_all"}

    await service.send(campaign.in_campaign().enriched("ann"))  # another address, verified

    ann = await prospect(service.engine, campaign.prospect_id("ann"))
    assert ann.contact_info == {"email": "ann@private.example", "email_status": "accept_all"}
    assert ann.edited_fields == ["email"]


async def test_the_lead_follows_contact_edits_assignment_and_status(service, campaign, events):
    await service.send(*events.pipeline(campaign, {"ann": "qualified"}))
    lead = await lead_of(service.engine, campaign.prospect_id("ann"))
    assert lead.contact_info == {"email": "ann@acme.example", "email_status": "valid"}
    assert (lead.assignee, lead.status) == (None, "new")

    await service.send(
        campaign.updated("ann", {"email": "ann@private.example"}, assignee="rep-2"),
        campaign.updated("ann", lead_status="contacted"),
    )
    lead = await lead_of(service.engine, campaign.prospect_id("ann"))
    assert lead.contact_info == {"email": "ann@private.example"}
    assert (lead.assignee, lead.status) == ("rep-2", "contacted")

    await service.send(campaign.updated("ann", unassign=True))
    assert (await lead_of(service.engine, campaign.prospect_id("ann"))).assignee is None
    assert service.dead_letters == []


async def test_a_prospect_assigned_before_it_becomes_a_lead_gives_the_lead_its_assignee(
    service, campaign
):
    await service.send(campaign.discovered("ann"), campaign.updated("ann", assignee="rep-3"))
    await service.send(campaign.enriched("ann"), campaign.scored("ann", "qualified"))
    assert (await lead_of(service.engine, campaign.prospect_id("ann"))).assignee == "rep-3"


async def test_redelivered_edits_change_nothing(service, campaign, events, state):
    await service.send(*events.pipeline(campaign, {"ann": "qualified"}))
    first = campaign.updated("ann", {"email": "one@x.example"}, assignee="rep-1")
    second = campaign.updated("ann", {"email": "two@x.example"}, assignee="rep-2")
    await service.send(first, second)
    once = await state(service.engine, campaign.team_id)

    await service.send(second, first)  # redelivered, the older one last

    assert await state(service.engine, campaign.team_id) == once
    ann = await prospect(service.engine, campaign.prospect_id("ann"))
    assert (ann.contact_info["email"], ann.assignee) == ("two@x.example", "rep-2")
    async with service.engine.connect() as conn:
        query = select(func.count()).select_from(s.processed_events)
        assert (await conn.execute(query)).scalar() == 5 + 2  # pipeline (5) and two edits


async def test_an_erased_prospect_takes_no_edit(service, campaign):
    await service.send(campaign.discovered("ann"))
    pid = campaign.prospect_id("ann")
    async with service.engine.begin() as conn:
        await conn.execute(
            update(s.prospects)
            .where(s.prospects.c.id == pid)
            .values(name=None, title=None, contact_info={}, erased_at=datetime.now(UTC))
        )

    await service.send(campaign.updated("ann", {"name": "Ann", "email": "a@x.example"}))

    ann = await prospect(service.engine, pid)
    assert (ann.name, ann.contact_info, ann.edited_fields) == (None, {}, [])
    assert service.dead_letters == []


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ({"person": "zed", "fields": {"title": "CTO"}}, "unknown_prospect"),
        ({"person": "ann", "lead_status": "contacted"}, "no_lead"),
        ({"person": "ann", "lead_status": "promoted"}, "contract_violation"),
    ],
)
async def test_edits_that_can_never_apply_are_dead_lettered(service, campaign, command, reason):
    await service.send(campaign.discovered("ann"))
    person = command.pop("person")

    await service.send(campaign.updated(person, **command))

    [(topic, headers)] = service.dead_letters
    assert topic == "prospect.update" and headers["x-dlq-reason"] == reason
    ann = await prospect(service.engine, campaign.prospect_id("ann"))
    assert ann.edited_fields == []


async def test_an_edit_of_another_teams_prospect_is_dead_lettered(service, campaign, new_campaign):
    await service.send(campaign.discovered("ann"))
    forged = campaign.updated("ann", {"title": "CTO"}).model_copy(
        update={"team_id": new_campaign().team_id}
    )

    await service.send(forged)

    [(_, headers)] = service.dead_letters
    assert headers["x-dlq-reason"] == "contract_violation"
    assert (await prospect(service.engine, campaign.prospect_id("ann"))).title == "VP Engineering"

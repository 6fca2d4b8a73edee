"""The retention job on a real Postgres, with a moved clock (``now`` is a parameter):
prospects not converted within RETENTION_DAYS of the last campaign that met them are
deleted with their campaign rows and announced as prospect.erased through the outbox;
leads, people met recently and campaigns still going are kept; a second run deletes
nothing more; the command line takes --days and --now."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta
from typing import Any

from leadgen_common.contracts import decode, utcnow
from leadgen_common.db import schema as s
from leadgen_lead_writer import retention
from leadgen_lead_writer.retention import run_retention
from sqlalchemy import func, select

DAY = timedelta(days=1)


def at(envelope, when):
    """The event as if it happened at ``when``."""
    return envelope.model_copy(update={"occurred_at": when})


async def ids(engine, table, column: str = "prospect_id") -> set[uuid.UUID]:
    async with engine.connect() as conn:
        return set((await conn.execute(select(table.c[column]))).scalars())


async def counters(engine, campaign_id) -> dict[str, Any]:
    async with engine.connect() as conn:
        query = select(s.campaign_progress).where(s.campaign_progress.c.campaign_id == campaign_id)
        row = (await conn.execute(query)).one()
    return {k: row._mapping[k] for k in ("discovered", "scored", "converted", "status")}


async def test_prospects_not_converted_in_time_go_and_the_rest_stays(service, campaign, events):
    start = utcnow()
    # A finished campaign: ann became a lead, bob is in review, cyd was rejected.
    await service.send(
        *events.pipeline(campaign, {"ann": "qualified", "bob": "review", "cyd": "rejected"})
    )
    assert await service.relay.relay_once() == 1  # ann's lead.created: the campaign completes
    # eve was met again 60 days later by another finished campaign.
    later = campaign.in_campaign()
    await service.send(
        *(at(e, start + 60 * DAY) for e in events.pipeline(later, {"eve": "rejected"}))
    )
    await service.send(
        *(at(e, start) for e in events.pipeline(campaign.in_campaign(), {"eve": "review"}))
    )
    # dan is in a campaign still running (discovery never finished).
    going = campaign.in_campaign()
    await service.send(going.started(), going.discovered("dan"))
    before = await counters(service.engine, campaign.campaign_id)
    assert before["status"] == "completed"
    p = {name: campaign.prospect_id(name) for name in ("ann", "bob", "cyd", "dan", "eve")}

    early = await run_retention(service.engine, now=start + 89 * DAY, days=90)
    assert early.prospects_deleted == 0
    assert await ids(service.engine, s.prospects, "id") == set(p.values())

    report = await run_retention(service.engine, now=start + 91 * DAY, days=90, batch_size=1)

    assert report.prospects_deleted == 2 and report.campaign_rows_deleted == 2
    assert await ids(service.engine, s.prospects, "id") == {p["ann"], p["dan"], p["eve"]}
    assert p["bob"] not in await ids(service.engine, s.campaign_prospects)
    assert await ids(service.engine, s.leads) == {p["ann"]}
    # The cost ledger and the campaign's counters are history, not personal data.
    assert {p["bob"], p["cyd"]} <= await ids(service.engine, s.enrichment_log)
    assert await counters(service.engine, campaign.campaign_id) == before
    # Announced through the outbox, so scoring and enrichment forget them too.
    async with service.engine.connect() as conn:
        query = select(s.outbox).where(s.outbox.c.topic == "prospect.erased")
        erased = (await conn.execute(query)).all()
    announced = {
        decode("prospect.erased", json.dumps(row.payload).encode()).payload.prospect_id
        for row in erased
    }
    assert announced == {p["bob"], p["cyd"]}
    assert {row.payload["team_id"] for row in erased} == {str(campaign.team_id)}

    again = await run_retention(service.engine, now=start + 91 * DAY, days=90)
    assert again.prospects_deleted == 0

    # eve's last sighting expires in its turn; dan's campaign must end first.
    assert (
        await run_retention(service.engine, now=start + 151 * DAY, days=90)
    ).prospects_deleted == 1
    assert p["dan"] in await ids(service.engine, s.prospects, "id")


async def test_published_outbox_rows_older_than_the_cutoff_go(service, campaign, events):
    await service.send(*events.pipeline(campaign, {"ann": "qualified"}))
    assert await service.relay.relay_once() == 1

    kept = await run_retention(service.engine, now=utcnow() + 89 * DAY, days=90)
    assert kept.outbox_rows_deleted == 0
    gone = await run_retention(service.engine, now=utcnow() + 91 * DAY, days=90)

    assert gone.outbox_rows_deleted == 1
    async with service.engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(s.outbox))).scalar() == 0
    assert await ids(service.engine, s.leads) == {campaign.prospect_id("ann")}


async def test_the_command_applies_the_rule_as_of_the_time_given(
    service, campaign, events, monkeypatch, capsys
):
    await service.send(*events.pipeline(campaign, {"bob": "rejected"}))
    url = service.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("RETENTION_DAYS", "30")
    soon = (utcnow() + 29 * DAY).isoformat()

    # the command runs its own event loop: on a thread here
    assert await asyncio.to_thread(retention.main, ["--now", soon]) == 0
    assert "deleted 0 prospect(s)" in capsys.readouterr().out
    later = (utcnow() + 31 * DAY).isoformat()
    assert await asyncio.to_thread(retention.main, ["--now", later]) == 0
    assert "deleted 1 prospect(s)" in capsys.readouterr().out
    assert await ids(service.engine, s.prospects, "id") == set()

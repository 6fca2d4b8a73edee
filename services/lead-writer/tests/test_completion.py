"""Campaign completion against a real Postgres: it fires exactly when discovery finished,
every prospect it reported is seen and terminal, and the campaign's outbox is drained."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from leadgen_common.db import schema as s
from leadgen_lead_writer.adapters import outbox
from leadgen_lead_writer.completion_check import complete_if_done
from prometheus_client import REGISTRY
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine


async def status_of(engine: AsyncEngine, campaign_id: uuid.UUID) -> tuple[str, bool]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(s.campaign_progress.c.status, s.campaign_progress.c.completed_at).where(
                    s.campaign_progress.c.campaign_id == campaign_id
                )
            )
        ).one()
    return row.status, row.completed_at is not None


async def test_completion_fires_exactly_when_the_last_prospect_turns_terminal(
    service, new_campaign
):
    campaign = new_campaign(auto_convert=False)
    steps = [
        (campaign.started(), "running"),
        (campaign.finished(2), "running"),  # discovery reported two prospects
        (campaign.discovered("ann"), "running"),
        (campaign.scored("ann", "review"), "running"),  # ann terminal, bob not seen yet
        (campaign.enriched("ann"), "running"),  # ann's every stage seen; bob still missing
        (campaign.discovered("bob"), "running"),  # bob new
        (campaign.enriched("bob"), "running"),  # bob enriched: still not terminal
        (campaign.scored("bob", "qualified"), "completed"),  # terminal: no auto-convert
        (campaign.reviewed("ann", "convert"), "completed"),  # completed never changes
    ]
    durations = REGISTRY.get_sample_value("leadgen_campaign_duration_seconds_count")
    ran_s = REGISTRY.get_sample_value("leadgen_campaign_duration_seconds_sum")
    for event, expected in steps:
        await service.send(event)
        assert await status_of(service.engine, campaign.campaign_id) == (
            expected,
            expected == "completed",
        ), event.event_type
    # observed once, from campaign.started's started_at to completion
    assert REGISTRY.get_sample_value("leadgen_campaign_duration_seconds_count") == durations + 1
    async with service.engine.connect() as conn:
        row = (
            await conn.execute(
                select(s.campaign_progress.c.started_at, s.campaign_progress.c.completed_at).where(
                    s.campaign_progress.c.campaign_id == campaign.campaign_id
                )
            )
        ).one()
    observed = REGISTRY.get_sample_value("leadgen_campaign_duration_seconds_sum") - ran_s
    assert observed == pytest.approx((row.completed_at - row.started_at).total_seconds())


async def test_completion_waits_for_every_reported_prospect(service, new_campaign):
    campaign = new_campaign(auto_convert=False)
    # Lead-writer saw one prospect, scored it; discovery reported two: one still in flight.
    await service.send(
        campaign.discovered("ann"),
        campaign.enriched("ann"),
        campaign.scored("ann", "rejected"),
        campaign.finished(2),
    )
    assert await status_of(service.engine, campaign.campaign_id) == ("running", False)

    await service.send(campaign.enriched("bob"), campaign.scored("bob", "rejected"))
    # seen, but not as discovered yet
    assert await status_of(service.engine, campaign.campaign_id) == ("running", False)

    await service.send(campaign.discovered("bob"))
    assert await status_of(service.engine, campaign.campaign_id) == ("completed", True)


async def test_completion_waits_for_the_outbox(service, campaign):
    await service.send(
        campaign.started(),
        campaign.discovered("ann"),
        campaign.enriched("ann"),
        campaign.scored("ann", "qualified"),
        campaign.finished(1),
    )
    assert await status_of(service.engine, campaign.campaign_id) == ("running", False)

    assert await service.relay.relay_once() == 1

    assert await status_of(service.engine, campaign.campaign_id) == ("completed", True)


async def test_a_paused_campaign_completes_only_once_resumed(service, new_campaign):
    campaign = new_campaign(auto_convert=False)
    await service.send(
        campaign.control("pause"),
        campaign.discovered("ann"),
        campaign.enriched("ann"),
        campaign.scored("ann", "review"),
        campaign.finished(1),
    )
    assert await status_of(service.engine, campaign.campaign_id) == ("paused", False)

    await service.send(campaign.control("resume"))

    assert await status_of(service.engine, campaign.campaign_id) == ("completed", True)


async def test_cancelled_and_failed_campaigns_never_complete(service, new_campaign):
    cancelled, failed = new_campaign(auto_convert=False), new_campaign(auto_convert=False)
    await service.send(
        cancelled.control("cancel"),
        cancelled.discovered("ann"),
        cancelled.enriched("ann"),
        cancelled.scored("ann", "rejected"),
        cancelled.finished(1, reason="cancelled"),
        failed.discovered("ann"),
        failed.enriched("ann"),
        failed.scored("ann", "rejected"),
        failed.finished(1, reason="failed"),
    )
    assert await status_of(service.engine, cancelled.campaign_id) == ("cancelled", False)
    assert await status_of(service.engine, failed.campaign_id) == ("failed", False)


async def test_an_empty_campaign_completes_when_discovery_finds_nobody(service, campaign):
    await service.send(campaign.started(), campaign.finished(0))
    assert await status_of(service.engine, campaign.campaign_id) == ("completed", True)


async def test_relay_and_handler_deciding_at_once_still_complete_the_campaign(service, campaign):
    """The relay marks the last outbox row while a handler makes the last prospect terminal;
    each transaction alone sees the other's change uncommitted. Completion must still fire:
    whoever takes the campaign_progress lock second decides with the first one's commit."""
    await service.send(
        campaign.discovered("ann"),
        campaign.enriched("ann"),
        campaign.scored("ann", "qualified"),  # a lead: one outbox row
        campaign.discovered("bob"),
        campaign.enriched("bob"),
        campaign.finished(2),
    )
    async with service.engine.connect() as relay_conn:
        async with relay_conn.begin():
            [row] = await outbox.claim(relay_conn, 10)
            await outbox.mark_published(relay_conn, [row.id])
            assert not await complete_if_done(relay_conn, campaign.campaign_id)  # bob is new
            handler = asyncio.create_task(service.send(campaign.scored("bob", "rejected")))
            await asyncio.sleep(0.3)  # the handler runs up to its decision meanwhile
        await handler

    assert await status_of(service.engine, campaign.campaign_id) == ("completed", True)


async def test_a_finish_on_cancel_overtaking_the_cancel_never_completes(service, new_campaign):
    """Discovery stopped on the cancel and reported it before lead-writer's own consumer of
    campaign.control saw the cancel: nothing was discovered, yet it must end cancelled."""
    campaign = new_campaign(auto_convert=False)
    await service.send(campaign.started(), campaign.finished(0, reason="cancelled"))
    assert await status_of(service.engine, campaign.campaign_id) == ("cancelled", False)
    await service.send(campaign.control("cancel"))
    assert await status_of(service.engine, campaign.campaign_id) == ("cancelled", False)

"""The outbox relay against a real Postgres and FastStream's in-memory broker."""

from __future__ import annotations

import asyncio
import json

import pytest
from leadgen_common.contracts import lead_id_for
from leadgen_common.db import schema as s
from leadgen_lead_writer.adapters.publisher import kafka_publisher
from leadgen_lead_writer.relay import OutboxRelay, PublishFailed
from prometheus_client import REGISTRY
from sqlalchemy import select


async def outbox_rows(service) -> list:
    async with service.engine.connect() as conn:
        return (await conn.execute(select(s.outbox).order_by(s.outbox.c.id))).all()


async def qualify(service, campaign, *persons: str) -> None:
    for person in persons:
        await service.send(campaign.discovered(person), campaign.scored(person, "qualified"))


async def test_relay_publishes_the_stored_envelope_keyed_by_lead_and_marks_it(service, campaign):
    await qualify(service, campaign, "ann", "bob")

    assert await service.relay.relay_once() == 2
    assert await service.relay.relay_once() == 0

    rows = await outbox_rows(service)
    assert all(row.published_at is not None for row in rows)
    assert [key for _, key in service.lead_messages] == [row.key.encode() for row in rows]
    assert [json.loads(body) for body, _ in service.lead_messages] == [r.payload for r in rows]
    assert [e.event_id for e in service.lead_events] == [row.event_id for row in rows]
    assert [e.payload.lead_id for e in service.lead_events] == [
        lead_id_for(campaign.prospect_id(p)) for p in ("ann", "bob")
    ]


def backlog() -> tuple[float | None, float | None]:
    return (
        REGISTRY.get_sample_value("leadgen_outbox_backlog"),
        REGISTRY.get_sample_value("leadgen_outbox_oldest_age_seconds"),
    )


async def test_the_backlog_gauges_say_what_waits_and_for_how_long(service, campaign):
    await qualify(service, campaign, "ann", "bob")
    await service.relay.refresh_backlog()
    rows, age = backlog()
    assert rows == 2
    assert age is not None and 0 < age < 60

    await service.relay.relay_once()
    await service.relay.refresh_backlog()
    assert backlog() == (0, 0)


async def test_a_failed_publish_marks_only_what_was_published(service, campaign):
    await qualify(service, campaign, "ann", "bob", "cyd")
    publish, attempts = kafka_publisher(service.bus), []

    async def broker_fails_on_second(message) -> None:
        attempts.append(message.id)
        if len(attempts) == 2:
            raise ConnectionError("broker unavailable")
        await publish(message)

    relay = OutboxRelay(service.engine, broker_fails_on_second)
    with pytest.raises(PublishFailed):
        await relay.relay_once()
    first = await outbox_rows(service)
    assert [row.published_at is not None for row in first] == [True, False, False]

    assert await relay.relay_once() == 2  # the retry starts at the unpublished row

    assert len(service.lead_events) == 3
    assert [e.event_id for e in service.lead_events] == [row.event_id for row in first]


async def test_replicas_never_publish_a_row_twice(service, campaign):
    persons = [f"p{i}" for i in range(12)]
    await qualify(service, campaign, *persons)
    publish = kafka_publisher(service.bus)

    async def slow_publish(message) -> None:
        await asyncio.sleep(0.01)  # both relays hold their batches at once
        await publish(message)

    relays = [OutboxRelay(service.engine, slow_publish, batch_size=5) for _ in range(2)]
    while sum(await asyncio.gather(*(r.relay_once() for r in relays))):
        pass

    ids = [e.event_id for e in service.lead_events]
    assert len(ids) == len(set(ids)) == len(persons)


async def test_background_relay_is_woken_by_a_commit_and_retries_failures(open_service, campaign):
    # A poll interval far beyond the test's wait: only the wake-up can publish in time.
    async with open_service(poll_interval_s=60, backoff_s=0.01) as service:
        service.relay.start()
        try:
            await qualify(service, campaign, "ann")
            await service.wait_for_leads(1)

            publish, failures = service.relay.publish, []

            async def flaky(message) -> None:
                if len(failures) < 3:
                    failures.append(message.id)
                    raise ConnectionError("broker unavailable")
                await publish(message)

            service.relay.publish = flaky
            service.relay.backlog_interval_s = 0  # refreshed every round, failed ones too
            await qualify(service, campaign, "bob")
            await service.wait_for_leads(2)
            assert len(failures) == 3
            assert backlog()[0] == 1  # read while the failing rounds held bob's lead back
        finally:
            await service.relay.stop()
        assert not service.relay.running
        assert all(row.published_at is not None for row in await outbox_rows(service))


async def test_campaigns_complete_while_the_relay_runs_alongside_the_handlers(
    open_service, new_campaign, events
):
    """Handlers and the relay decide completion in separate transactions at the same time;
    the campaign_progress row lock makes the later one see the earlier one's change."""
    async with open_service(poll_interval_s=0.001) as service:
        campaigns = [new_campaign(auto_convert=True) for _ in range(4)]
        service.relay.start()
        try:
            for campaign in campaigns:
                outcomes = {f"p{i}": ("qualified", "rejected")[i % 2] for i in range(10)}
                await service.send(*events.pipeline(campaign, outcomes))
            await service.wait_for_leads(5 * len(campaigns))
        finally:
            await service.relay.stop()
        async with service.engine.connect() as conn:
            statuses = (await conn.execute(select(s.campaign_progress.c.status))).scalars().all()
    assert statuses == ["completed"] * len(campaigns)

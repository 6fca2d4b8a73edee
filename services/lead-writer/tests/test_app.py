"""The assembled service: lifespan (bus, relay), handlers wired to the relay, readiness."""

from __future__ import annotations

import asyncio

import httpx
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from leadgen_common.contracts import decode, lead_id_for
from leadgen_lead_writer.main import LeadWriterSettings, create_app


def _app(database_url: str):
    settings = LeadWriterSettings(
        database_url=database_url, relay_poll_interval_s=60, handler_retries=0
    )
    return create_app(settings)


async def _readiness(app) -> dict:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://lead-writer") as client:
        return (await client.get("/readyz")).json()


async def test_the_app_projects_events_and_its_relay_publishes_the_lead(new_database, campaign):
    app = _app(await new_database())
    bus, leads, arrived = app.state.bus, [], asyncio.Event()

    @bus.broker.subscriber("lead.created", group_id="reader")
    async def read(message: KafkaMessage) -> None:
        leads.append(decode("lead.created", message.body))
        arrived.set()

    async with TestKafkaBroker(bus.broker), app.router.lifespan_context(app):
        assert app.state.relay.running
        assert (await _readiness(app))["checks"]["database"] is True
        await bus.publish(campaign.discovered("ann"))
        await bus.publish(campaign.scored("ann", "qualified"))
        # The commit wakes the relay: no waiting for its 60 s poll interval.
        await asyncio.wait_for(arrived.wait(), 5)
    assert not app.state.relay.running
    [lead] = leads
    assert lead.payload.lead_id == lead_id_for(campaign.prospect_id("ann"))


async def test_not_ready_when_the_database_does_not_answer(pg_cluster):
    app = _app(pg_cluster.url("no_such_database", user="leadgen_lead_writer"))
    async with TestKafkaBroker(app.state.bus.broker), app.router.lifespan_context(app):
        body = await _readiness(app)
    assert body["status"] == "not_ready" and body["checks"]["database"] is False

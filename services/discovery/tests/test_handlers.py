"""The discovery subscribers through FastStream's in-memory Kafka broker, with the
supervisor paging in the background; fakes only at the edges (search, cursor store)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from leadgen_common.contracts import Icp, Platform, decode, envelope_for
from leadgen_common.contracts.events import (
    CampaignOptions,
    CampaignStarted,
    ControlAction,
    ControlCampaign,
)
from leadgen_common.kafka import EventBus
from leadgen_common.samples import sample_icp_path
from leadgen_discovery import handlers
from leadgen_discovery.campaigns import Campaigns
from leadgen_discovery.domain.cursors import ControlStatus, Outcome
from leadgen_discovery.paging import CampaignPager
from leadgen_discovery.settings import DiscoverySettings
from leadgen_discovery.supervisor import Supervisor

SAMPLE_ICP = sample_icp_path()
TEAM = uuid.UUID("5f0b0c1e-0000-5000-8000-00000000d15c")
pytestmark = pytest.mark.timeout(30)


class Harness:
    def __init__(self, store, search, lookalikes) -> None:
        self.store = store
        self.search = search
        self.bus = EventBus(DiscoverySettings(handler_retry_backoff_s=0.01))
        searches = {search.platform: search}
        self.supervisor = Supervisor(
            store, owner="replica-t", lease_s=30, lease_renew_s=0.01, max_active_campaigns=4
        )
        self.pager = CampaignPager(
            store,
            searches,
            self.bus,
            owner="replica-t",
            page_sizes=dict.fromkeys(Platform, 10),
            pause_poll_s=0.01,
            wakeup=self.supervisor.wakeup,
        )
        handlers.register(self.bus, Campaigns(store, searches, self.supervisor.nudge), lookalikes)
        self.discovered: list = []
        self.finished: list = []

        @self.bus.broker.subscriber("prospect.discovered", group_id="test-reader")
        async def read_discovered(message: KafkaMessage) -> None:
            self.discovered.append(decode("prospect.discovered", message.body))

        @self.bus.broker.subscriber("campaign.discovery_finished", group_id="test-reader")
        async def read_finished(message: KafkaMessage) -> None:
            self.finished.append(decode("campaign.discovery_finished", message.body))

    async def send(self, payload):
        envelope = envelope_for(payload, team_id=TEAM, correlation_id="corr-h")
        await self.bus.publish(envelope)
        return envelope


def started(max_prospects: int = 25, **overrides) -> CampaignStarted:
    values = {
        "campaign_id": uuid.uuid4(),
        "name": "Q4 Enterprise Leads",
        "icp_id": uuid.uuid4(),
        "icp": Icp.model_validate_json(SAMPLE_ICP.read_text()),
        "platforms": [Platform.LINKEDIN, Platform.FACEBOOK],
        "search_criteria": {Platform.LINKEDIN: {"titles": ["CTO"], "companySize": "51-200"}},
        "options": CampaignOptions(max_prospects=max_prospects, min_match_score=0.8),
        "requested_by": "alice",
    }
    return CampaignStarted(**{**values, **overrides})


def control(campaign_id: uuid.UUID, action: ControlAction) -> ControlCampaign:
    return ControlCampaign(campaign_id=campaign_id, action=action, requested_by="alice")


@pytest.fixture
def harness(store, make_search, no_lookalikes) -> Harness:
    return Harness(store, make_search(size=100), no_lookalikes)


def test_subscribes_to_the_three_commands_only(store, no_lookalikes):
    bus = EventBus(DiscoverySettings())
    handlers.register(bus, Campaigns(store, {}, lambda *_: None), no_lookalikes)
    subscribed = {(sub.topics[0].name, sub.group_id) for sub in bus.broker.subscribers}
    assert subscribed == {
        ("campaign.started", "discovery"),
        ("campaign.control", "discovery"),
        ("audience.lookalike_requested", "discovery"),
    }


async def test_started_creates_cursors_and_commits_without_paging(harness):
    payload = started()
    async with TestKafkaBroker(harness.bus.broker):
        incoming = await harness.send(payload)  # no supervisor running: nothing pages

    state = harness.store.state(payload.campaign_id)
    assert state.status is ControlStatus.RUNNING
    assert (state.team_id, state.correlation_id) == (TEAM, "corr-h")
    assert state.started_event_id == incoming.event_id
    assert state.options == payload.options
    linkedin, facebook = state.platforms
    assert linkedin.criteria["titles"] == ["CTO"]  # the campaign's override
    assert linkedin.criteria["companySizes"] == ["51-200"]
    assert linkedin.criteria["locations"] == ["United States", "United Kingdom", "Canada"]
    assert (linkedin.next_start, linkedin.discovered, linkedin.outcome) == (0, 0, None)
    assert facebook.outcome is Outcome.FAILED
    assert facebook.failure_reason == "platform not supported yet"
    assert facebook.criteria["age_min"] == 35  # translated, though no adapter searches it yet
    assert harness.search.calls == []
    assert harness.discovered == []


async def test_started_campaign_is_paged_to_exactly_max_and_finished(harness, wait_until):
    payload = started(max_prospects=25)
    async with TestKafkaBroker(harness.bus.broker):
        await harness.supervisor.start(harness.pager)
        try:
            incoming = await harness.send(payload)
            await wait_until(lambda: harness.finished)
        finally:
            await harness.supervisor.stop()

    assert len(harness.discovered) == 25
    assert len({e.payload.prospect_id for e in harness.discovered}) == 25
    first = harness.discovered[0]
    assert (first.causation_id, first.correlation_id) == (incoming.event_id, "corr-h")
    assert first.payload.options == payload.options
    [done] = harness.finished
    assert (done.payload.reason, done.payload.total_discovered) == ("max_prospects", 25)
    assert done.payload.platforms[Platform.LINKEDIN].discovered == 25
    assert done.payload.platforms[Platform.FACEBOOK].failure_reason == "platform not supported yet"


async def test_a_redelivered_start_keeps_the_progress(harness):
    payload = started()
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(payload)
        await harness.store.claim("replica-x", 30, 1)
        await harness.store.advance(
            "replica-x", payload.campaign_id, Platform.LINKEDIN, next_start=10, discovered=10
        )
        await harness.send(payload)

    assert harness.store.state(payload.campaign_id).cursor(Platform.LINKEDIN).discovered == 10


async def test_pause_holds_resume_completes(harness, wait_until):
    payload = started(max_prospects=30)
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(payload)
        await harness.send(control(payload.campaign_id, ControlAction.PAUSE))
        await harness.supervisor.start(harness.pager)
        try:
            await wait_until(lambda: payload.campaign_id in harness.supervisor.tasks)
            await asyncio.sleep(0.2)  # twenty pause polls: nothing moves
            assert harness.discovered == []
            assert harness.store.state(payload.campaign_id).status is ControlStatus.PAUSED

            await harness.send(control(payload.campaign_id, ControlAction.RESUME))
            await wait_until(lambda: harness.finished)
        finally:
            await harness.supervisor.stop()

    assert len(harness.discovered) == 30
    assert harness.finished[0].payload.reason == "max_prospects"


async def test_cancel_stops_and_finishes_cancelled(harness, wait_until):
    payload = started(max_prospects=30)
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(payload)
        await harness.send(control(payload.campaign_id, ControlAction.CANCEL))
        await harness.supervisor.start(harness.pager)
        try:
            await wait_until(lambda: harness.finished)
        finally:
            await harness.supervisor.stop()

    assert harness.discovered == []
    assert harness.finished[0].payload.reason == "cancelled"
    assert harness.search.calls == []


async def test_control_that_overtakes_start_is_read_from_the_campaign(harness):
    payload = started()
    async with TestKafkaBroker(harness.bus.broker):
        await harness.send(control(payload.campaign_id, ControlAction.PAUSE))  # no rows yet
        harness.store.requested[payload.campaign_id] = "paused"  # what the gateway wrote
        await harness.send(payload)

    assert harness.store.state(payload.campaign_id).status is ControlStatus.PAUSED

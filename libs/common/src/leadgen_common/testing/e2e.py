"""Clients for tests that drive a running stack from outside, as its users do: the HTTP
API with a bearer token, an independent Kafka reader of whole topics, valid sample events
to publish, and the subscribers the services' own code registers."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextlib import ExitStack
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar
from unittest import mock

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord
from pydantic import BaseModel

from ..contracts import Icp, Platform, lead_id_for, prospect_id_for
from ..contracts import events as ev
from ..kafka import EventBus
from ..samples import sample_icp_path

TERMINAL_CAMPAIGN = {"completed", "failed", "cancelled"}
T = TypeVar("T")


def sample_icp() -> dict[str, Any]:
    return json.loads(sample_icp_path().read_text())


async def wait_for(check: Callable[[], Awaitable[T]], seconds: float = 20) -> T:
    """The first truthy result of ``check()``, polled every 0.3 s; fails after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, f"not so within {seconds} s"
        await asyncio.sleep(0.3)


class Api:
    """The gateway's /api/v1 for one principal."""

    def __init__(self, base: str, token: str, timeout_s: float = 30) -> None:
        self.http = httpx.AsyncClient(
            base_url=f"{base}/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout_s,
        )

    async def ok(self, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        response = await self.http.request(method, path, **kw)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()

    async def pages(self, path: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            query = {**params, "limit": 200, **({"cursor": cursor} if cursor else {})}
            page = await self.ok("GET", path, params=query)
            items += page["items"]
            cursor = page.get("nextCursor")
            if not cursor:
                return items

    async def items(self, path: str) -> list[dict[str, Any]]:
        """The items of ``path`` where they fit one page of 200 (asserted)."""
        page = await self.ok("GET", path, params={"limit": 200})
        assert page["nextCursor"] is None, f"{path}: more than one page"
        return page["items"]

    async def start_campaign(
        self,
        max_prospects: int,
        *,
        icp: dict[str, Any] | None = None,
        icp_id: str | None = None,
        platforms: tuple[str, ...] = ("linkedin",),
        name: str = "e2e",
        **options: Any,
    ) -> str:
        """A campaign of the ICP ``icp_id``, else of a new one (``icp`` or the sample);
        ``options`` (camelCase) over maxProspects and autoConvert (on)."""
        if icp_id is None:
            icp_id = (await self.ok("POST", "/icps", 201, json=icp or sample_icp()))["id"]
        body = {
            "icpId": icp_id,
            "name": name,
            "platforms": list(platforms),
            "options": {"maxProspects": max_prospects, "autoConvert": True, **options},
        }
        started = await self.ok("POST", "/prospecting/campaigns", 202, json=body)
        assert started["status"] == "running"
        return started["campaignId"]

    async def campaign(self, campaign_id: str) -> dict[str, Any]:
        return await self.ok("GET", f"/prospecting/campaigns/{campaign_id}")

    async def wait_status(
        self, campaign_id: str, statuses: set[str] = TERMINAL_CAMPAIGN, seconds: float = 300
    ) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while True:
            campaign = await self.campaign(campaign_id)
            if campaign["status"] in statuses:
                return campaign
            assert time.monotonic() < deadline, f"campaign stuck: {campaign}"
            await asyncio.sleep(0.5)

    async def wait_completed(self, campaign_id: str, seconds: float = 60) -> dict[str, Any]:
        """The campaign once completed; a status other than running fails at once."""

        async def completed() -> dict[str, Any] | None:
            campaign = await self.campaign(campaign_id)
            assert campaign["status"] in {"running", "completed"}, campaign
            return campaign if campaign["status"] == "completed" else None

        return await wait_for(completed, seconds)

    async def close(self) -> None:
        await self.http.aclose()


async def read_topic(bootstrap: str, topic: str, idle_ms: int = 1500) -> list[ConsumerRecord]:
    """Every record of ``topic`` from the beginning, by a consumer of no group (it commits
    nothing and disturbs no one): it reads until a fetch stays empty for ``idle_ms``
    (end offsets alone are not trusted: the dev broker reports them loosely)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            await consumer._client.force_metadata_update()  # noqa: SLF001 - metadata refresh
            partitions = consumer.partitions_for_topic(topic) or set()
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not assigned:
            return []
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        records: list[ConsumerRecord] = []
        while True:
            batch = await consumer.getmany(timeout_ms=idle_ms)
            if not batch:
                return records
            for messages in batch.values():
                records += messages
    finally:
        await consumer.stop()


def envelope_of(record: ConsumerRecord) -> dict[str, Any] | None:
    """The record's JSON envelope, or None for anything else on the topic: the poison
    tests put garbage (not JSON, arrays, 100,000-deep nesting) on every consumed topic of
    the shared stack, and lead.created is one since the webhooks service consumes it."""
    try:
        body = json.loads(record.value)
    except (ValueError, RecursionError, TypeError):
        return None
    return body if isinstance(body, dict) and "event_id" in body else None


async def campaign_events(
    bootstrap: str, topic: str, campaign_id: str
) -> list[tuple[ConsumerRecord, dict[str, Any]]]:
    """Every envelope of ``topic`` (from the beginning) that belongs to ``campaign_id``,
    with its record (headers, partition, offset)."""
    events = []
    for record in await read_topic(bootstrap, topic):
        body = envelope_of(record)
        if body is not None and body.get("campaign_id") == campaign_id:
            events.append((record, body))
    return events


def sample_payload(topic: str, team_id: uuid.UUID, label: str) -> BaseModel:
    """A valid payload for ``topic`` about nobody the pipeline knows: a fresh campaign id,
    one LinkedIn profile of that campaign, ``label`` as names and requester."""
    campaign_id = uuid.uuid4()
    profile_id = f"{label}-{campaign_id}"
    prospect_id = prospect_id_for(team_id, Platform.LINKEDIN, profile_id)
    profile = ev.ProspectProfile(
        platform=Platform.LINKEDIN,
        platform_profile_id=profile_id,
        profile_url=f"https://www.linkedin.com/in/{profile_id}",
        name=f"{label} test",
    )
    options = ev.CampaignOptions(max_prospects=1)
    dimension = ev.DimensionScore(score=0.1, reasons=["test"])
    breakdown = ev.ScoreBreakdown(
        demographics=dimension,
        firmographics=dimension,
        psychographics=dimension,
        activity=dimension,
    )
    ids = {"prospect_id": prospect_id, "campaign_id": campaign_id}
    call = ev.ProviderCall(
        provider="clearbit",
        operation="company",
        status="success",
        cost=Decimal("0.1"),
        latency_ms=1,
    )
    samples: dict[str, Callable[[], BaseModel]] = {
        "campaign.started": lambda: ev.CampaignStarted(
            campaign_id=campaign_id,
            name=label,
            icp_id=uuid.uuid4(),
            icp=Icp(name=label),
            platforms=[Platform.LINKEDIN],
            options=options,
            requested_by=label,
        ),
        "campaign.control": lambda: ev.ControlCampaign(
            campaign_id=campaign_id, action=ev.ControlAction.PAUSE, requested_by=label
        ),
        "campaign.discovery_finished": lambda: ev.DiscoveryFinished(
            campaign_id=campaign_id, total_discovered=0, platforms={}, reason="exhausted"
        ),
        "prospect.discovered": lambda: ev.ProspectDiscovered(
            **ids, rank=0, profile=profile, options=options
        ),
        "prospect.enriched": lambda: ev.ProspectEnriched(
            **ids, profile=profile, options=options, provider_calls=[call]
        ),
        "prospect.scored": lambda: ev.ProspectScored(
            **ids,
            icp_match_score=0.1,
            quality_score=0.1,
            breakdown=breakdown,
            outcome=ev.ScoreOutcome.REJECTED,
            profile=profile,
            options=options,
        ),
        "prospect.reviewed": lambda: ev.ProspectReviewed(
            **ids, decision=ev.ReviewDecision.REJECT, reviewed_by=label
        ),
        "enrichment.requested": lambda: ev.RequestEnrichment(
            job_id=uuid.uuid4(), prospect_id=prospect_id
        ),
        "audience.lookalike_requested": lambda: ev.RequestLookalike(
            icp_id=uuid.uuid4(), platforms=[Platform.LINKEDIN], requested_by=label
        ),
        "prospect.update": lambda: ev.UpdateProspect(
            prospect_id=prospect_id, assignee=label, requested_by=label
        ),
        "suppression.add": lambda: ev.AddSuppression(
            kind="email", value=f"{label}@example.com", requested_by=label
        ),
        "prospect.erase": lambda: ev.EraseProspect(prospect_id=prospect_id, requested_by=label),
        "prospect.erased": lambda: ev.ProspectErased(
            prospect_id=prospect_id, erased_at=datetime.now(UTC)
        ),
        "lead.created": lambda: ev.LeadCreated(
            lead_id=lead_id_for(prospect_id),
            **ids,
            source="auto",
            platform=Platform.LINKEDIN,
            profile_url=profile.profile_url,
            name=profile.name,
            icp_match_score=0.9,
            quality_score=0.5,
            breakdown=breakdown,
            created_at=datetime.now(UTC),
        ),
    }
    return samples[topic]()


class Service(Protocol):
    """What ``subscriptions`` needs of a service (leadgen_devstack's SERVICES have it)."""

    @property
    def name(self) -> str: ...

    @property
    def module(self) -> str: ...


def subscriptions(
    env: Mapping[str, str], services: Iterable[Service], *, batch: bool = True
) -> set[tuple[str, str, str]]:
    """(topic, service, group) of every subscriber the services' own code registers: each
    ``<module>.main.create_app()`` is built with ``env`` (nothing starts or connects) while
    EventBus notes its ``subscribe`` calls, and ``subscribe_batch`` ones with ``batch``."""
    found: set[tuple[str, str, str]] = set()

    def noting(original: Callable[..., Any]) -> Callable[..., Any]:
        def note(self: EventBus, topic: str, **options: Any) -> Any:
            found.add((topic, self.service, options["group_id"]))
            return original(self, topic, **options)

        return note

    with ExitStack() as patches:
        for method in ("subscribe", "subscribe_batch") if batch else ("subscribe",):
            wrapped = noting(getattr(EventBus, method))
            patches.enter_context(mock.patch.object(EventBus, method, wrapped))
        for service in services:
            with mock.patch.dict(os.environ, {**env, "SERVICE_NAME": service.name}):
                importlib.import_module(f"{service.module}.main").create_app()
    return found

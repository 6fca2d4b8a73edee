"""Clients for tests that drive a running stack from outside, as its users do: the HTTP
API with a bearer token, and an independent Kafka reader of whole topics."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from ..samples import sample_icp_path

TERMINAL_CAMPAIGN = {"completed", "failed", "cancelled"}


def sample_icp() -> dict[str, Any]:
    return json.loads(sample_icp_path().read_text())


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

    async def start_campaign(
        self,
        max_prospects: int,
        *,
        icp: dict[str, Any] | None = None,
        platforms: tuple[str, ...] = ("linkedin",),
        name: str = "e2e",
        **options: Any,
    ) -> str:
        created = await self.ok("POST", "/icps", 201, json=icp or sample_icp())
        body = {
            "icpId": created["id"],
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

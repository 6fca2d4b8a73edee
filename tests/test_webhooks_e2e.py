"""Webhooks through the real stack: a team registers a local receiver (the dev stack allows
loopback targets), runs a small autoConvert campaign, and gets each lead.created once,
signed with the secret it was shown at registration; the receiver's first answer is a 500,
so one event comes twice, under the same event id, and is then delivered."""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

import pytest
from leadgen_common.testing.e2e import Api, wait_for
from leadgen_common.testing.local_http import JsonHandler, serving
from leadgen_common.webhooks import verify

pytestmark = pytest.mark.stack


class _Receiver(JsonHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        state = self.server.state  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        with state["lock"]:
            state["got"].append((dict(self.headers.items()), body))
            first = len(state["got"]) == 1
        self.answer(500 if first else 200, {})


async def test_each_lead_is_delivered_once_signed_after_a_retry(stack, mint_token) -> None:
    api = Api(stack["GATEWAY_URL"], mint_token("e2e-webhooks", "admin"))
    state: dict[str, Any] = {"lock": threading.Lock(), "got": []}
    with serving(_Receiver, state) as base_url:
        hook = await api.ok("POST", "/webhooks", 201, json={"url": f"{base_url}/leadgen"})
        campaign_id = await api.start_campaign(10, name="webhooks")
        await api.wait_completed(campaign_id, seconds=90)
        leads = (await api.ok("GET", "/leads", params={"campaignId": campaign_id}))["items"]
        assert leads, "the sample ICP converts some of ten prospects"

        async def all_delivered() -> list[dict[str, Any]] | None:
            log = await api.pages(f"/webhooks/{hook['id']}/deliveries")
            done = len(log) == len(leads) and all(d["status"] == "delivered" for d in log)
            return log if done else None

        log = await wait_for(all_delivered, 60)
    got = state["got"]
    ids = Counter(headers["X-Leadgen-Event-Id"] for headers, _ in got)
    assert len(ids) == len(leads)  # one event id per lead, never a second id
    assert sorted(ids.values()) == [1] * (len(leads) - 1) + [2]  # the 500 was retried
    assert sorted(d["attempts"] for d in log) == sorted(ids.values())
    by_lead = {}
    for headers, body in got:
        assert verify(
            hook["secret"], body, headers["X-Leadgen-Timestamp"], headers["X-Leadgen-Signature"]
        )
        event = json.loads(body)
        assert event["event_id"] == headers["X-Leadgen-Event-Id"]
        by_lead[event["payload"]["lead_id"]] = event["event_id"]
    assert set(by_lead) == {lead["id"] for lead in leads}
    await api.close()

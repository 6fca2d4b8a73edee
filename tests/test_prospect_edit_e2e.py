"""A user's edit through the real stack: PATCH /prospects/{id} -> prospect.update ->
lead-writer, shown by the gateway's listings; a later campaign that finds, enriches and
scores the same person again leaves the edited fields as the user wrote them."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from leadgen_common.samples import sample_icp_path

pytestmark = pytest.mark.stack

EDIT = {"email": "pat.user@corrected.example", "title": "Chief Edited Officer"}
ASSIGNEE = "rep-e2e"


class Client:
    """The gateway as a user of one team sees it (only what this test calls)."""

    def __init__(self, base: str, token: str) -> None:
        self.http = httpx.AsyncClient(
            base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    async def call(self, method: str, path: str, status: int = 200, **kw) -> dict:
        response = await self.http.request(method, path, **kw)
        assert response.status_code == status, (path, response.status_code, response.text)
        return response.json()

    async def items(self, path: str) -> list[dict]:
        page = await self.call("GET", path, params={"limit": 200})
        assert page["nextCursor"] is None  # small campaigns: one page
        return page["items"]

    async def campaign(self, icp_id: str) -> str:
        body = {
            "icpId": icp_id,
            "name": "edit",
            "platforms": ["linkedin"],
            "options": {"maxProspects": 20, "autoConvert": True},
        }
        campaign_id = (await self.call("POST", "/prospecting/campaigns", 202, json=body))[
            "campaignId"
        ]

        async def done():
            status = (await self.call("GET", f"/prospecting/campaigns/{campaign_id}"))["status"]
            assert status in {"running", "completed"}, status
            return status == "completed"

        await wait_for(done, seconds=60)
        return campaign_id


async def wait_for(check, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, f"not so within {seconds} s"
        await asyncio.sleep(0.3)


def edited(item: dict) -> bool:
    return (
        item["email"] == EDIT["email"]
        and item["title"] == EDIT["title"]
        and item["assignee"] == ASSIGNEE
        and item["editedFields"] == ["email", "title"]
    )


async def test_an_edit_shows_on_prospect_and_lead_and_survives_a_later_campaign(stack, mint_token):
    api = Client(stack["GATEWAY_URL"], mint_token("e2e-edit", "admin"))
    icp = await api.call("POST", "/icps", 201, json=json.loads(sample_icp_path().read_text()))
    first = await api.campaign(icp["id"])
    prospects = await api.items(f"/prospecting/campaigns/{first}/prospects")
    person = next(p for p in prospects if p["status"] == "converted")  # a lead too
    assert person["title"] != EDIT["title"] and person["email"] != EDIT["email"]

    accepted = await api.call(
        "PATCH", f"/prospects/{person['id']}", 202, json={**EDIT, "assignee": ASSIGNEE}
    )
    assert accepted == {
        "prospectId": person["id"],
        "editedFields": ["email", "title", "assignee"],
    }

    async def shown_in(campaign_id: str):
        items = await api.items(f"/prospecting/campaigns/{campaign_id}/prospects")
        return next((i for i in items if i["id"] == person["id"] and edited(i)), None)

    await wait_for(lambda: shown_in(first))
    leads = (await api.call("GET", "/leads", params={"limit": 200}))["items"]
    [lead] = [le for le in leads if le["prospectId"] == person["id"]]
    assert (lead["assignee"], lead["email"]) == (ASSIGNEE, EDIT["email"])

    # The same ICP again: discovery, enrichment and scoring meet the person once more.
    second = await api.campaign(icp["id"])
    again = await api.items(f"/prospecting/campaigns/{second}/prospects")
    [rediscovered] = [i for i in again if i["id"] == person["id"]]
    assert rediscovered["icpMatchScore"] is not None  # scored again in the new campaign
    assert edited(rediscovered), rediscovered
    assert await shown_in(first)

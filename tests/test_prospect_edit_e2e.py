"""A user's edit through the real stack: PATCH /prospects/{id} -> prospect.update ->
lead-writer, shown by the gateway's listings; a later campaign that finds, enriches and
scores the same person again leaves the edited fields as the user wrote them."""

from __future__ import annotations

import pytest
from leadgen_common.testing.e2e import Api, sample_icp, wait_for

pytestmark = pytest.mark.stack

EDIT = {"email": "pat.user@corrected.example", "title": "Chief Edited Officer"}
ASSIGNEE = "rep-e2e"


async def run_campaign(api: Api, icp_id: str) -> str:
    """A 20-prospect campaign of that ICP, once completed."""
    campaign_id = await api.start_campaign(20, icp_id=icp_id, name="edit")
    await api.wait_completed(campaign_id, seconds=60)
    return campaign_id


def edited(item: dict) -> bool:
    return (
        item["email"] == EDIT["email"]
        and item["title"] == EDIT["title"]
        and item["assignee"] == ASSIGNEE
        and item["editedFields"] == ["email", "title"]
    )


async def test_an_edit_shows_on_prospect_and_lead_and_survives_a_later_campaign(stack, mint_token):
    api = Api(stack["GATEWAY_URL"], mint_token("e2e-edit", "admin"))
    icp = await api.ok("POST", "/icps", 201, json=sample_icp())
    first = await run_campaign(api, icp["id"])
    prospects = await api.items(f"/prospecting/campaigns/{first}/prospects")
    person = next(p for p in prospects if p["status"] == "converted")  # a lead too
    assert person["title"] != EDIT["title"] and person["email"] != EDIT["email"]

    accepted = await api.ok(
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
    leads = (await api.ok("GET", "/leads", params={"limit": 200}))["items"]
    [lead] = [le for le in leads if le["prospectId"] == person["id"]]
    assert (lead["assignee"], lead["email"]) == (ASSIGNEE, EDIT["email"])

    # The same ICP again: discovery, enrichment and scoring meet the person once more.
    second = await run_campaign(api, icp["id"])
    again = await api.items(f"/prospecting/campaigns/{second}/prospects")
    [rediscovered] = [i for i in again if i["id"] == person["id"]]
    assert rediscovered["icpMatchScore"] is not None  # scored again in the new campaign
    assert edited(rediscovered), rediscovered
    assert await shown_in(first)

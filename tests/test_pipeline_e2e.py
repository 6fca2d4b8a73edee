"""End to end through the real embedded stack: HTTP request -> five service processes
-> `lead.created`, checked against the gateway's read models, the database and an
independent Kafka consumer."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import asyncpg
import pytest
from leadgen_common.testing.e2e import Api, campaign_events

pytestmark = pytest.mark.stack

TERMINAL_PROSPECT = {"review", "rejected", "converted", "qualified", "erased"}


async def run_and_check_campaign(stack: dict, token: str, max_prospects: int) -> dict:
    api = Api(stack["GATEWAY_URL"], token)
    campaign_id = await api.start_campaign(max_prospects)
    campaign = await api.wait_status(campaign_id)
    assert campaign["status"] == "completed", campaign
    progress = campaign["progress"]

    prospects = await api.pages(f"/prospecting/campaigns/{campaign_id}/prospects")
    leads = await api.pages("/leads", campaignId=campaign_id)
    assert len(prospects) == progress["discovered"] == max_prospects
    assert all(p["status"] in TERMINAL_PROSPECT for p in prospects)
    statuses = Counter(p["status"] for p in prospects)
    assert statuses["qualified"] == 0  # autoConvert: every qualified prospect became a lead
    assert progress["discovered"] == progress["enriched"] == progress["scored"]
    assert progress["qualified"] + progress["review"] + progress["rejected"] == progress["scored"]
    assert progress["converted"] == len(leads) == statuses["converted"]
    assert progress["qualified"] == progress["converted"]
    assert len(leads) > 0, "the sample ICP should produce some leads"
    for p in prospects:
        assert set(p["breakdown"]) == {
            "demographics",
            "firmographics",
            "psychographics",
            "activity",
        }
        assert all(dim["reasons"] for dim in p["breakdown"].values())

    events = [
        body
        for _, body in await campaign_events(
            stack["KAFKA_BOOTSTRAP_SERVERS"], "lead.created", campaign_id
        )
    ]
    event_ids = {body["event_id"] for body in events}
    lead_ids_in_events = Counter(body["payload"]["lead_id"] for body in events)
    ids_per_lead: dict[str, set] = {}
    for body in events:
        ids_per_lead.setdefault(body["payload"]["lead_id"], set()).add(body["event_id"])
    assert all(len(ids) == 1 for ids in ids_per_lead.values()), "a lead under two event ids"
    assert len(event_ids) == len(leads) == len(lead_ids_in_events)
    assert set(lead_ids_in_events) == {lead["id"] for lead in leads}

    conn = await asyncpg.connect(stack["DATABASE_ADMIN_URL"].replace("+asyncpg", ""))
    try:
        rows = await conn.fetchval(
            "select count(*) from leads where campaign_id = $1", uuid.UUID(campaign_id)
        )
        unpublished = await conn.fetchval("select count(*) from outbox where published_at is null")
    finally:
        await conn.close()
    assert rows == len(leads)
    assert unpublished == 0
    return {"campaign_id": campaign_id, "leads": leads, "prospects": prospects}


async def test_sample_icp_campaign_end_to_end_twice_with_isolated_teams(stack, mint_token):
    first = await run_and_check_campaign(stack, mint_token("e2e-alpha", "admin"), 300)
    second_token = mint_token("e2e-beta", "admin")
    second = await run_and_check_campaign(stack, second_token, 300)

    beta = Api(stack["GATEWAY_URL"], second_token)
    response = await beta.http.get(f"/prospecting/campaigns/{first['campaign_id']}")
    assert response.status_code == 404
    beta_leads = await beta.pages("/leads")
    assert {lead["id"] for lead in beta_leads} == {lead["id"] for lead in second["leads"]}
    alpha_prospect = first["prospects"][0]["id"]
    response = await beta.http.post(f"/prospecting/prospects/{alpha_prospect}/convert", json={})
    assert response.status_code == 404


def found(campaign: dict) -> int:
    """Prospects discovery has published, read live from its cursors (the funnel's own
    counters lag behind while the later stages catch up)."""
    return sum(p["discovered"] for p in campaign["platforms"].values())


async def test_pause_holds_resume_completes_cancel_stops(stack, mint_token):
    api = Api(stack["GATEWAY_URL"], mint_token("e2e-control", "admin"))
    campaign_id = await api.start_campaign(1000, autoEnrich=False)
    await api.ok("PATCH", f"/prospecting/campaigns/{campaign_id}", 202, json={"status": "paused"})
    paused = await api.wait_status(campaign_id, {"paused"}, seconds=30)
    await asyncio.sleep(2)  # the page in flight when the pause arrived lands
    held = found(await api.campaign(campaign_id))
    await asyncio.sleep(3)
    still = found(await api.campaign(campaign_id))
    assert still == held < 1000, (paused, held, still)

    await api.ok("PATCH", f"/prospecting/campaigns/{campaign_id}", 202, json={"status": "running"})
    done = await api.wait_status(campaign_id, {"completed"}, seconds=300)
    assert done["progress"]["discovered"] == found(done) == 1000

    cancelled_id = await api.start_campaign(5000, autoEnrich=False)
    await api.ok(
        "PATCH", f"/prospecting/campaigns/{cancelled_id}", 202, json={"status": "cancelled"}
    )
    await api.wait_status(cancelled_id, {"cancelled"}, seconds=60)
    await asyncio.sleep(2)  # the page in flight when the cancel arrived lands
    stopped = found(await api.campaign(cancelled_id))
    await asyncio.sleep(3)
    after = await api.campaign(cancelled_id)
    assert after["status"] == "cancelled"
    assert found(after) == stopped < 5000
    response = await api.http.patch(
        f"/prospecting/campaigns/{cancelled_id}", json={"status": "running"}
    )
    assert response.status_code == 409

"""GET /leads: the team's leads newest first, filtered by campaign and status, paged."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from leadgen_common.contracts import team_id_for


@pytest.fixture
async def leads_of_two_campaigns(team, seed, make_campaign):
    tid = team_id_for(team)
    first, second = uuid.UUID(await make_campaign(team)), uuid.UUID(await make_campaign(team))
    now = datetime.now(UTC)
    made = []
    for n, (campaign, status) in enumerate(
        [(first, "new"), (first, "contacted"), (second, "new"), (second, "won")]
    ):
        prospect = await seed.prospect(tid, campaign, f"l{n}", status="converted", score=0.9)
        lead = await seed.lead(
            tid,
            prospect,
            campaign,
            status=status,
            source="review" if n == 3 else "auto",
            created_at=now + timedelta(seconds=n),
        )
        made.append((lead, prospect, campaign))
    return made


async def test_leads_newest_first_with_their_fields(api, team, leads_of_two_campaigns):
    response = await api.client.get("/api/v1/leads", headers=api.auth(team, "sales_manager"))
    assert response.status_code == 200
    page = response.json()
    assert page["nextCursor"] is None
    assert [i["id"] for i in page["items"]] == [
        str(lead) for lead, _, _ in reversed(leads_of_two_campaigns)
    ]
    newest = page["items"][0]
    lead, prospect, campaign = leads_of_two_campaigns[3]
    assert newest == {
        "id": str(lead),
        "prospectId": str(prospect),
        "campaignId": str(campaign),
        "status": "won",
        "assignee": None,
        "name": "Person l3",
        "title": "CTO",
        "company": "Acme",
        "email": "l3@acme.io",
        "icpMatchScore": 0.9,
        "qualityScore": 0.8,
        "source": "review",
        "createdAt": newest["createdAt"],
    }


async def test_leads_filter_and_pages(api, team, leads_of_two_campaigns):
    first_campaign = str(leads_of_two_campaigns[0][2])
    response = await api.client.get(
        "/api/v1/leads", params={"campaignId": first_campaign, "limit": 1}, headers=api.auth(team)
    )
    page = response.json()
    assert [i["status"] for i in page["items"]] == ["contacted"]
    rest = await api.client.get(
        "/api/v1/leads",
        params={"campaignId": first_campaign, "limit": 1, "cursor": page["nextCursor"]},
        headers=api.auth(team),
    )
    assert [i["status"] for i in rest.json()["items"]] == ["new"]
    assert rest.json()["nextCursor"] is None
    new = await api.client.get("/api/v1/leads", params={"status": "new"}, headers=api.auth(team))
    assert len(new.json()["items"]) == 2


async def test_leads_are_per_team(api, team, leads_of_two_campaigns):
    response = await api.client.get("/api/v1/leads", headers=api.auth(f"{team}-other"))
    assert response.json() == {"items": [], "nextCursor": None}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"status": "maybe"}, "status"), ({"campaignId": "x"}, "campaignId"), ({"limit": 0}, "limit")],
)
async def test_bad_lead_query_is_422(api, team, params, field):
    response = await api.client.get("/api/v1/leads", params=params, headers=api.auth(team))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field

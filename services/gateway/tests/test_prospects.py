"""A campaign's prospects (best first, filters, keyset pages, erased people) and manual
review (convert / reject publish prospect.reviewed; 409 outside review/qualified)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from leadgen_common.contracts import lead_id_for, team_id_for
from leadgen_common.db.schema import audit_log

CAMPAIGNS = "/api/v1/prospecting/campaigns"
PROSPECTS = "/api/v1/prospecting/prospects"


@pytest.fixture
async def funnel(team, seed, make_campaign):
    """A campaign with prospects in every state; returns (campaign id, {profile: prospect id})."""
    campaign_id = await make_campaign(team)
    cid, tid = uuid.UUID(campaign_id), team_id_for(team)
    people = {
        "q1": ("qualified", 0.91),
        "q2": ("qualified", 0.82),
        "r1": ("review", 0.70),
        "r2": ("review", 0.70),  # a tie: the id orders it
        "x1": ("rejected", 0.30),
        "c1": ("converted", 0.95),
        "n1": ("new", None),
        "e1": ("enriched", None),
    }
    ids = {}
    for profile, (status, score) in people.items():
        ids[profile] = await seed.prospect(
            tid,
            cid,
            profile,
            status=status,
            score=score,
            enrichment_skipped="auto_enrich_off" if profile == "e1" else None,
        )
    return campaign_id, ids


async def _all_pages(api, team, campaign_id, **params):
    items, cursor, pages = [], None, 0
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await api.client.get(
            f"{CAMPAIGNS}/{campaign_id}/prospects", params=query, headers=api.auth(team)
        )
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        pages += 1
        cursor = page["nextCursor"]
        if cursor is None:
            return items, pages


async def test_prospects_best_first_across_pages(api, team, funnel):
    campaign_id, ids = funnel
    items, pages = await _all_pages(api, team, campaign_id, limit=3)
    assert pages == 3
    order = [item["id"] for item in items]
    ties = sorted([str(ids["r1"]), str(ids["r2"])])
    unscored = sorted([str(ids["n1"]), str(ids["e1"])])
    expected = [str(ids["c1"]), str(ids["q1"]), str(ids["q2"]), *ties, str(ids["x1"]), *unscored]
    assert order == expected


async def test_prospect_item_shape(api, team, funnel):
    campaign_id, ids = funnel
    items, _ = await _all_pages(api, team, campaign_id)
    by_id = {item["id"]: item for item in items}
    q1 = by_id[str(ids["q1"])]
    assert set(q1) == {
        "id",
        "platform",
        "platformProfileId",
        "name",
        "title",
        "company",
        "location",
        "status",
        "icpMatchScore",
        "qualityScore",
        "enrichmentSkipped",
        "breakdown",
        "email",
        "phone",
        "editedFields",
        "assignee",
    }
    assert q1["platform"] == "linkedin" and q1["platformProfileId"] == "q1"
    assert (q1["name"], q1["title"], q1["company"]) == ("Person q1", "CTO", "Acme")
    assert q1["icpMatchScore"] == 0.91 and q1["qualityScore"] == 0.8
    assert set(q1["breakdown"]) == {"demographics", "firmographics", "psychographics", "activity"}
    assert q1["breakdown"]["activity"] == {"score": 0.91, "reasons": ["q1 matches"]}
    e1 = by_id[str(ids["e1"])]
    assert e1["breakdown"] is None and e1["icpMatchScore"] is None
    assert e1["enrichmentSkipped"] == "auto_enrich_off"


async def test_filters_by_status_and_min_score(api, team, funnel):
    campaign_id, ids = funnel
    review, _ = await _all_pages(api, team, campaign_id, status="review")
    assert {i["id"] for i in review} == {str(ids["r1"]), str(ids["r2"])}
    good, _ = await _all_pages(api, team, campaign_id, minScore=0.8)
    assert {i["id"] for i in good} == {str(ids["c1"]), str(ids["q1"]), str(ids["q2"])}
    both, _ = await _all_pages(api, team, campaign_id, status="qualified", minScore=0.9)
    assert [i["id"] for i in both] == [str(ids["q1"])]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"minScore": 1.5}, "minScore"),
        ({"status": "lost"}, "status"),
        ({"cursor": "!!"}, "cursor"),
    ],
)
async def test_bad_prospect_query_is_422(api, team, make_campaign, params, field):
    campaign_id = await make_campaign(team)
    response = await api.client.get(
        f"{CAMPAIGNS}/{campaign_id}/prospects", params=params, headers=api.auth(team)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


async def test_erased_prospect_is_listed_without_personal_fields(api, seed, team, make_campaign):
    campaign_id = await make_campaign(team)
    await seed.prospect(
        team_id_for(team), uuid.UUID(campaign_id), "gone", status="erased", erased=True
    )
    [item], _ = await _all_pages(api, team, campaign_id)
    assert item["status"] == "erased"
    assert (item["name"], item["title"], item["company"], item["location"]) == (None,) * 4
    assert (item["email"], item["phone"]) == (None, None)


async def test_convert_a_review_prospect_publishes_the_decision(api, seed, team, funnel):
    campaign_id, ids = funnel
    response = await api.client.post(
        f"{PROSPECTS}/{ids['r1']}/convert",
        json={"campaignId": campaign_id},
        headers={**api.auth(team, "sales_manager"), "X-Request-ID": "req-42"},
    )
    assert response.status_code == 202
    assert response.json() == {
        "prospectId": str(ids["r1"]),
        "campaignId": campaign_id,
        "leadId": str(lead_id_for(ids["r1"])),
        "status": "accepted",
    }
    [event] = api.events("prospect.reviewed")
    assert event["_key"] == str(ids["r1"]).encode()
    assert event["correlation_id"] == "req-42"
    assert event["payload"] == {
        "prospect_id": str(ids["r1"]),
        "campaign_id": campaign_id,
        "decision": "convert",
        "reviewed_by": f"sales_manager@{team}",
    }
    [audit] = await seed.rows(audit_log, action="prospect.convert", resource_id=str(ids["r1"]))
    assert audit["details"] == {"campaign_id": campaign_id}


async def test_reject_a_qualified_prospect_without_a_body(api, team, funnel):
    campaign_id, ids = funnel
    response = await api.client.post(f"{PROSPECTS}/{ids['q2']}/reject", headers=api.auth(team))
    assert response.status_code == 202
    assert response.json()["leadId"] is None
    assert response.json()["campaignId"] == campaign_id
    [event] = api.events("prospect.reviewed")
    assert event["payload"]["decision"] == "reject"


@pytest.mark.parametrize("profile", ["n1", "e1", "x1", "c1"])
@pytest.mark.parametrize("decision", ["convert", "reject"])
async def test_only_review_or_qualified_prospects_can_be_decided(
    api, team, funnel, profile, decision
):
    _, ids = funnel
    response = await api.client.post(
        f"{PROSPECTS}/{ids[profile]}/{decision}", headers=api.auth(team)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "prospect_not_reviewable"
    assert api.events("prospect.reviewed") == []


async def test_a_person_who_already_is_a_lead_is_not_converted_again(
    api, seed, team, funnel, make_campaign
):
    first_campaign, ids = funnel
    await seed.lead(team_id_for(team), ids["c1"], uuid.UUID(first_campaign))
    # Rediscovered in a later campaign, qualified there: still no second lead.
    later = await make_campaign(team)
    await seed.prospect(team_id_for(team), uuid.UUID(later), "c1", status="qualified", score=0.9)
    response = await api.client.post(f"{PROSPECTS}/{ids['c1']}/convert", headers=api.auth(team))
    assert response.status_code == 409
    assert response.json()["code"] == "already_a_lead"


async def test_without_campaign_id_the_latest_campaign_decides(
    api, seed, team, funnel, make_campaign
):
    first, ids = funnel  # r1 is in review there
    later = await make_campaign(team)
    await seed.prospect(
        team_id_for(team),
        uuid.UUID(later),
        "r1",
        status="rejected",
        score=0.4,
        discovered_at=datetime.now(UTC) + timedelta(seconds=1),
    )
    latest = await api.client.post(f"{PROSPECTS}/{ids['r1']}/convert", headers=api.auth(team))
    assert latest.status_code == 409  # rejected in the latest campaign
    named = await api.client.post(
        f"{PROSPECTS}/{ids['r1']}/convert", json={"campaignId": first}, headers=api.auth(team)
    )
    assert named.status_code == 202
    assert named.json()["campaignId"] == first


async def test_unknown_or_foreign_prospects_are_404(api, team, funnel, make_campaign):
    campaign_id, ids = funnel
    other = api.auth(f"{team}-other")
    for prospect in (ids["r1"], uuid.uuid4(), "nope"):
        response = await api.client.post(f"{PROSPECTS}/{prospect}/convert", headers=other)
        assert response.status_code == 404
    # In the team, but not in the named campaign.
    elsewhere = await make_campaign(team)
    response = await api.client.post(
        f"{PROSPECTS}/{ids['r1']}/convert", json={"campaignId": elsewhere}, headers=api.auth(team)
    )
    assert response.status_code == 404
    assert response.json()["code"] == "prospect_not_found"
    assert api.events("prospect.reviewed") == []


async def test_review_broker_failure_is_503_without_audit(api, seed, team, funnel, monkeypatch):
    _, ids = funnel

    async def refuse(envelope, headers=None):
        raise ConnectionError("broker down")

    monkeypatch.setattr(api.bus, "publish", refuse)
    response = await api.client.post(f"{PROSPECTS}/{ids['r1']}/convert", headers=api.auth(team))
    assert response.status_code == 503
    assert await seed.rows(audit_log, action="prospect.convert", resource_id=str(ids["r1"])) == []

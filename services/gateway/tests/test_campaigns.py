"""Campaigns: start publishes campaign.started with the ICP snapshot (503 and no row when
the broker refuses), GET has DESIGN.md's shape from the read models, PATCH publishes
campaign.control and refuses ended campaigns."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from leadgen_common.contracts import team_id_for
from leadgen_common.db.schema import audit_log, campaigns

BASE = "/api/v1/prospecting/campaigns"


async def test_start_publishes_campaign_started_with_the_icp_snapshot(api, seed, team, make_icp):
    icp_id = await make_icp(team)
    body = {
        "icpId": icp_id,
        "name": "Q4 Enterprise Leads",
        "platforms": ["linkedin", "facebook"],
        "searchCriteria": {"linkedin": {"titles": ["CTO"]}, "facebook": {"ageRange": [30, 50]}},
        "options": {
            "maxProspects": 300,
            "autoEnrich": True,
            "autoConvert": False,
            "minMatchScore": 0.8,
        },
    }
    response = await api.client.post(BASE, json=body, headers=api.auth(team))
    assert response.status_code == 202
    accepted = response.json()
    assert set(accepted) == {"campaignId", "status", "estimatedCompletion"}
    assert accepted["status"] == "running"
    estimate = datetime.fromisoformat(accepted["estimatedCompletion"])
    # 300 prospects at the default 10/s.
    assert timedelta(seconds=25) < estimate - datetime.now(UTC) <= timedelta(seconds=30)

    [event] = api.events("campaign.started")
    assert event["_key"] == accepted["campaignId"].encode()
    assert event["team_id"] == str(team_id_for(team))
    assert event["campaign_id"] == accepted["campaignId"]
    assert event["correlation_id"] == accepted["campaignId"]
    payload = event["payload"]
    assert payload["campaign_id"] == accepted["campaignId"]
    assert payload["icp_id"] == icp_id
    assert payload["icp"]["id"] == icp_id
    assert payload["icp"]["demographics"]["job_titles"][0] == "CTO"
    assert payload["platforms"] == ["linkedin", "facebook"]
    assert payload["search_criteria"]["facebook"] == {"ageRange": [30, 50]}
    assert payload["options"] == {
        "max_prospects": 300,
        "auto_enrich": True,
        "auto_convert": False,
        "min_match_score": 0.8,
    }
    assert payload["requested_by"] == f"admin@{team}"

    [row] = await seed.rows(campaigns, id=uuid.UUID(accepted["campaignId"]))
    assert row["requested_status"] == "running"
    assert row["options"]["max_prospects"] == 300
    [audit] = await seed.rows(
        audit_log, action="campaign.start", resource_id=accepted["campaignId"]
    )
    assert audit["principal"] == f"admin@{team}"


async def test_options_default_as_the_contract_does(api, team, make_campaign):
    await make_campaign(team)
    [event] = api.events("campaign.started")
    assert event["payload"]["options"] == {
        "max_prospects": 1000,
        "auto_enrich": True,
        "auto_convert": True,
        "min_match_score": 0.75,
    }


async def test_bad_campaign_body_lists_every_bad_field(api, team, make_icp):
    icp_id = await make_icp(team)
    body = {
        "icpId": icp_id,
        "name": "",
        "platforms": ["linkedin", "myspace"],
        "searchCriteria": {"orkut": {}},
        "options": {"maxProspects": 0, "minMatchScore": 1.5, "autoConvrt": True},
    }
    response = await api.client.post(BASE, json=body, headers=api.auth(team))
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert set(fields) == {
        "name",
        "platforms[1]",
        "searchCriteria.orkut",
        "options.maxProspects",
        "options.minMatchScore",
        "options.autoConvrt",
    }
    assert api.events("campaign.started") == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"platforms": []}, "platforms"),
        ({"platforms": ["linkedin", "linkedin"]}, "platforms"),
        ({"searchCriteria": {"twitter": {"q": "x"}}}, "searchCriteria"),
        ({"icpId": "nope"}, "icpId"),
        ({"options": {"maxProspects": 100_001}}, "options.maxProspects"),
    ],
)
async def test_inconsistent_campaign_bodies(api, team, make_icp, change, field):
    body = {"icpId": await make_icp(team), "name": "x", "platforms": ["linkedin"], **change}
    response = await api.client.post(BASE, json=body, headers=api.auth(team))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_unknown_deleted_or_foreign_icp_is_404(api, team, make_icp):
    theirs = await make_icp(f"{team}-other")
    deleted = await make_icp(team)
    await api.client.delete(f"/api/v1/icps/{deleted}", headers=api.auth(team))
    for icp_id in (str(uuid.uuid4()), theirs, deleted):
        body = {"icpId": icp_id, "name": "x", "platforms": ["linkedin"]}
        response = await api.client.post(BASE, json=body, headers=api.auth(team))
        assert response.status_code == 404
        assert response.json() == {
            "code": "icp_not_found",
            "message": "icp not found",
            "field": "icpId",
        }
    assert api.events("campaign.started") == []


async def test_broker_failure_is_503_and_leaves_no_campaign(api, seed, team, make_icp, monkeypatch):
    icp_id = await make_icp(team)

    async def refuse(envelope, headers=None):
        raise ConnectionError("broker down")

    monkeypatch.setattr(api.bus, "publish", refuse)
    body = {"icpId": icp_id, "name": "x", "platforms": ["linkedin"]}
    response = await api.client.post(BASE, json=body, headers=api.auth(team))
    assert response.status_code == 503
    assert response.json()["code"] == "broker_unavailable"
    assert await seed.rows(campaigns, team_id=team_id_for(team)) == []
    actions = sorted(r["action"] for r in await seed.rows(audit_log, team_id=team_id_for(team)))
    assert actions == ["campaign.start", "campaign.start_failed", "icp.create"]
    listed = await api.client.get(BASE, headers=api.auth(team))
    assert listed.json()["items"] == []


async def test_get_before_lead_writer_saw_it(api, team, make_campaign):
    campaign_id = await make_campaign(team, platforms=["linkedin", "facebook"])
    response = await api.client.get(f"{BASE}/{campaign_id}", headers=api.auth(team, "viewer"))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "id",
        "name",
        "status",
        "progress",
        "platforms",
        "cost",
        "estimatedCompletion",
        "failureReason",
        "warnings",
        "startedAt",
        "completedAt",
    }
    assert body["status"] == "running"
    assert body["progress"] == dict.fromkeys(
        [
            "discovered",
            "enriched",
            "enrichmentSkipped",
            "scored",
            "qualified",
            "review",
            "rejected",
            "converted",
        ],
        0,
    )
    assert body["cost"] == {"total": 0.0, "perQualifiedLead": None, "currency": "USD"}
    linkedin = body["platforms"]["linkedin"]
    assert set(linkedin) == {"discovered", "rateLimitedUntil", "criteria", "failureReason"}
    assert linkedin["criteria"]["titles"][0] == "CTO"  # the translator, as discovery sends it
    assert body["platforms"]["facebook"]["criteria"]["geo_locations"]["countries"]
    assert any(w.startswith("facebook: ") for w in body["warnings"])
    assert body["estimatedCompletion"] is not None
    assert body["failureReason"] is None and body["completedAt"] is None


async def test_get_reads_lead_writers_progress(api, seed, team, make_campaign):
    campaign_id = await make_campaign(team, platforms=["linkedin", "twitter"])
    cid, tid = uuid.UUID(campaign_id), team_id_for(team)
    started = datetime.now(UTC) - timedelta(minutes=10)
    await seed.progress(
        cid,
        tid,
        status="completed",
        discovered=3,
        enriched=3,
        enrichment_skipped=1,
        scored=3,
        qualified=2,
        review=1,
        rejected=0,
        converted=2,
        cost_total=Decimal("1.5"),
        discovery_finished=True,
        expected_discovered=3,
        started_at=started,
        completed_at=started + timedelta(minutes=5),
        warnings=["linkedin: revenue band not searchable"],
        platforms={
            "linkedin": {
                "discovered": 3,
                "criteria": {"titles": ["CTO"]},
                "warnings": [],
                "failure_reason": None,
            },
            "twitter": {"discovered": 0, "criteria": {}, "failure_reason": "not supported"},
        },
    )
    for n, status in enumerate(["qualified", "converted", "review"]):
        await seed.prospect(tid, cid, f"p{n}", status=status, score=0.9 - n / 10)

    body = (await api.client.get(f"{BASE}/{campaign_id}", headers=api.auth(team))).json()
    assert body["status"] == "completed"
    assert body["progress"] == {
        "discovered": 3,
        "enriched": 3,
        "enrichmentSkipped": 1,
        "scored": 3,
        "qualified": 2,
        "review": 1,
        "rejected": 0,
        "converted": 2,
    }
    assert body["cost"] == {"total": 1.5, "perQualifiedLead": 0.75, "currency": "USD"}
    assert body["platforms"]["linkedin"]["discovered"] == 3
    assert body["platforms"]["linkedin"]["criteria"] == {"titles": ["CTO"]}
    assert body["platforms"]["linkedin"]["rateLimitedUntil"] is None
    assert body["platforms"]["twitter"]["failureReason"] == "not supported"
    assert body["warnings"] == ["linkedin: revenue band not searchable"]
    assert datetime.fromisoformat(body["startedAt"]) == started
    assert body["estimatedCompletion"] == body["completedAt"]


async def test_get_reads_discoverys_live_cursors(api, seed, team, make_campaign):
    campaign_id = await make_campaign(team, platforms=["linkedin", "facebook", "twitter"])
    cid, tid = uuid.UUID(campaign_id), team_id_for(team)
    limited = datetime.now(UTC) + timedelta(minutes=1)
    await seed.cursor(cid, tid, "linkedin", discovered=40, rate_limited_until=limited)
    await seed.cursor(
        cid, tid, "facebook", discovered=7, outcome="failed", failure_reason="facebook: HTTP 503"
    )
    past = datetime.now(UTC) - timedelta(seconds=1)  # a wait that ended (row not cleared)
    await seed.cursor(cid, tid, "twitter", discovered=3, rate_limited_until=past)

    body = (await api.client.get(f"{BASE}/{campaign_id}", headers=api.auth(team))).json()
    platforms = body["platforms"]
    assert datetime.fromisoformat(platforms["linkedin"]["rateLimitedUntil"]) == limited
    assert platforms["twitter"]["rateLimitedUntil"] is None
    assert platforms["facebook"]["rateLimitedUntil"] is None
    assert [platforms[p]["discovered"] for p in ("linkedin", "facebook", "twitter")] == [40, 7, 3]
    assert platforms["facebook"]["failureReason"] == "facebook: HTTP 503"
    assert platforms["linkedin"]["failureReason"] is None
    # Another team's view of the campaign is a 404, never its cursors.
    other = await api.client.get(f"{BASE}/{campaign_id}", headers=api.auth(f"{team}-x"))
    assert other.status_code == 404


async def test_get_and_patch_of_other_teams_or_unknown_campaigns_are_404(api, team, make_campaign):
    campaign_id = await make_campaign(team)
    other = api.auth(f"{team}-other")
    for campaign in (campaign_id, str(uuid.uuid4()), "nope"):
        for method, body in (("GET", None), ("PATCH", {"status": "paused"})):
            response = await api.client.request(
                method, f"{BASE}/{campaign}", json=body, headers=other
            )
            assert response.status_code == 404, (campaign, method)
        prospects = await api.client.get(f"{BASE}/{campaign}/prospects", headers=other)
        assert prospects.status_code == 404
    assert api.events("campaign.control") == []
    listed = await api.client.get(BASE, headers=other)
    assert listed.json() == {"items": [], "nextCursor": None}


async def test_pause_resume_cancel_publish_control_commands(api, seed, team, make_campaign):
    campaign_id = await make_campaign(team)
    for status, action in (("paused", "pause"), ("running", "resume"), ("cancelled", "cancel")):
        response = await api.client.patch(
            f"{BASE}/{campaign_id}", json={"status": status}, headers=api.auth(team)
        )
        assert response.status_code == 202
        assert response.json() == {"campaignId": campaign_id, "status": status}
        event = api.events("campaign.control")[-1]
        assert event["payload"]["action"] == action
        assert event["payload"]["campaign_id"] == campaign_id
        assert event["_key"] == campaign_id.encode()
        [row] = await seed.rows(campaigns, id=uuid.UUID(campaign_id))
        assert row["requested_status"] == status
    assert len(api.events("campaign.control")) == 3
    # Cancelled is final.
    again = await api.client.patch(
        f"{BASE}/{campaign_id}", json={"status": "running"}, headers=api.auth(team)
    )
    assert again.status_code == 409
    assert again.json()["code"] == "campaign_finished"
    assert len(api.events("campaign.control")) == 3
    actions = [r["action"] for r in await seed.rows(audit_log, resource_id=campaign_id)]
    assert sorted(actions) == [
        "campaign.cancel",
        "campaign.pause",
        "campaign.resume",
        "campaign.start",
    ]


async def test_asking_for_the_current_status_publishes_nothing(api, team, make_campaign):
    campaign_id = await make_campaign(team)
    response = await api.client.patch(
        f"{BASE}/{campaign_id}", json={"status": "running"}, headers=api.auth(team)
    )
    assert response.status_code == 202
    assert api.events("campaign.control") == []


@pytest.mark.parametrize("status", ["completed", "failed", "cancelled"])
async def test_ended_campaigns_refuse_control(api, seed, team, make_campaign, status):
    campaign_id = await make_campaign(team)
    await seed.progress(uuid.UUID(campaign_id), team_id_for(team), status=status)
    response = await api.client.patch(
        f"{BASE}/{campaign_id}", json={"status": "paused"}, headers=api.auth(team)
    )
    assert response.status_code == 409
    assert api.events("campaign.control") == []


async def test_control_body_is_validated(api, team, make_campaign):
    campaign_id = await make_campaign(team)
    for body in ({"status": "completed"}, {}, {"status": "paused", "extra": 1}):
        response = await api.client.patch(
            f"{BASE}/{campaign_id}", json=body, headers=api.auth(team)
        )
        assert response.status_code == 422, body


async def test_control_broker_failure_changes_nothing(api, seed, team, make_campaign, monkeypatch):
    campaign_id = await make_campaign(team)

    async def refuse(envelope, headers=None):
        raise ConnectionError("broker down")

    monkeypatch.setattr(api.bus, "publish", refuse)
    response = await api.client.patch(
        f"{BASE}/{campaign_id}", json={"status": "paused"}, headers=api.auth(team)
    )
    assert response.status_code == 503
    [row] = await seed.rows(campaigns, id=uuid.UUID(campaign_id))
    assert row["requested_status"] == "running"
    assert [r["action"] for r in await seed.rows(audit_log, resource_id=campaign_id)] == [
        "campaign.start"
    ]


async def test_list_campaigns_newest_first_with_status(api, seed, team, make_campaign):
    first = await make_campaign(team)
    second = await make_campaign(team)
    await seed.progress(
        uuid.UUID(first), team_id_for(team), status="completed", completed_at=datetime.now(UTC)
    )
    page = (await api.client.get(BASE, params={"limit": 1}, headers=api.auth(team))).json()
    assert [c["id"] for c in page["items"]] == [second]
    assert page["items"][0]["status"] == "running"
    rest = await api.client.get(
        BASE, params={"limit": 1, "cursor": page["nextCursor"]}, headers=api.auth(team)
    )
    [item] = rest.json()["items"]
    assert (item["id"], item["status"]) == (first, "completed")
    assert item["completedAt"] is not None
    assert rest.json()["nextCursor"] is None

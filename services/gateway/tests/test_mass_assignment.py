"""Mass assignment (OWASP API3) and request bounds: server-owned fields (ids, team, status
the pipeline decides, scores, timestamps, authorship) are refused with a 422 naming them on
every writing route, and nothing is published or audited; the team comes only from the
token (a team in the query is ignored); page size, batch size and maxProspects are bounded.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from leadgen_common.contracts import team_id_for
from leadgen_common.db.schema import audit_log, icps
from leadgen_gateway.settings import GatewaySettings

from .conftest import Api, create_icp, running_gateway

CAMPAIGNS = "/api/v1/prospecting/campaigns"


@pytest.fixture
async def ids(api: Api, team, seed, make_campaign, icp_body) -> dict[str, str]:
    campaign_id = await make_campaign(team)
    [started] = api.events("campaign.started")
    tid, cid = team_id_for(team), uuid.UUID(campaign_id)
    review = await seed.prospect(tid, cid, "rev", status="review", score=0.7)
    converted = await seed.prospect(tid, cid, "lead", status="converted", score=0.9)
    lead = await seed.lead(tid, converted, cid)
    for events in api.published.values():  # forget the setup's events
        events.clear()
    return {
        "icp": started["payload"]["icp_id"],
        "campaign": campaign_id,
        "review": str(review),
        "lead": str(lead),
        "other_team": str(team_id_for(f"{team}-other")),
    }


#: (method, path template, a valid body, the server-owned fields to add to it one by one)
WRITES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    (
        "POST",
        CAMPAIGNS,
        {"icpId": "{icp}", "name": "x", "platforms": ["linkedin"]},
        {
            "id": str(uuid.uuid4()),
            "teamId": "{other_team}",
            "status": "completed",
            "progress": {"discovered": 10},
            "createdBy": "someone",
            "createdAt": "2020-01-01T00:00:00Z",
            "cost": {"total": 0},
        },
    ),
    (
        "PATCH",
        CAMPAIGNS + "/{campaign}",
        {"status": "paused"},
        {"teamId": "{other_team}", "progress": {"converted": 5}, "failureReason": "x"},
    ),
    (
        "PATCH",
        "/api/v1/prospects/{review}",
        {"title": "CTO"},
        {
            "id": str(uuid.uuid4()),
            "teamId": "{other_team}",
            "status": "converted",
            "icpMatchScore": 1.0,
            "qualityScore": 1.0,
            "breakdown": {},
            "editedFields": [],
            "platformProfileId": "x",
            "erasedAt": None,
        },
    ),
    (
        "PATCH",
        "/api/v1/leads/{lead}",
        {"status": "won"},
        {
            "id": str(uuid.uuid4()),
            "teamId": "{other_team}",
            "icpMatchScore": 1.0,
            "source": "review",
            "prospectId": str(uuid.uuid4()),
        },
    ),
    (
        "POST",
        "/api/v1/prospecting/prospects/{review}/convert",
        {"campaignId": "{campaign}"},
        {"teamId": "{other_team}", "status": "converted", "leadId": str(uuid.uuid4())},
    ),
    (
        "POST",
        "/api/v1/enrichment/batch",
        {"prospectIds": ["{review}"]},
        {"teamId": "{other_team}", "jobId": str(uuid.uuid4()), "status": "completed"},
    ),
    (
        "POST",
        "/api/v1/icps/{icp}/lookalike",
        {"platforms": ["linkedin"]},
        {"teamId": "{other_team}", "status": "ready", "audienceId": "x"},
    ),
]


def fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        for name, real in ids.items():
            value = value.replace(f"{{{name}}}", real)
        return value
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize(
    ("method", "path", "body", "owned"), WRITES, ids=[f"{m} {p}" for m, p, _, _ in WRITES]
)
async def test_server_owned_fields_are_refused(api, seed, team, ids, method, path, body, owned):
    url, valid = fill(path, ids), fill(body, ids)
    audited = len(await seed.rows(audit_log, team_id=team_id_for(team)))
    for name, value in owned.items():
        response = await api.client.request(
            method, url, json={**valid, name: fill(value, ids)}, headers=api.auth(team)
        )
        assert response.status_code == 422, (name, response.text)
        assert response.json()["code"] == "validation_error"
        assert name in [error["field"] for error in response.json()["errors"]]
    assert all(events == [] for events in api.published.values())
    assert len(await seed.rows(audit_log, team_id=team_id_for(team))) == audited
    # the same body without them goes through: those fields alone were the problem
    response = await api.client.request(method, url, json=valid, headers=api.auth(team))
    assert response.status_code in (200, 202), response.text
    assert len(await seed.rows(audit_log, team_id=team_id_for(team))) == audited + 1


async def test_an_icp_body_cannot_choose_its_id_or_team(api, seed, team, icp_body):
    """The sample ICP carries an ``id`` (appendix C): it is ignored, never used; a team or
    timestamps are refused."""
    chosen = str(uuid.uuid4())
    response = await api.client.post(
        "/api/v1/icps", json={**icp_body, "id": chosen}, headers=api.auth(team)
    )
    assert response.status_code == 201
    created = response.json()["id"]
    assert created != chosen
    [row] = await seed.rows(icps, id=uuid.UUID(created))
    assert row["team_id"] == team_id_for(team)
    replaced = await api.client.put(
        f"/api/v1/icps/{created}", json={**icp_body, "id": chosen}, headers=api.auth(team)
    )
    assert replaced.json()["id"] == created
    for name, value in (
        ("teamId", str(team_id_for("other"))),
        ("createdAt", "2020-01-01T00:00:00Z"),
        ("deletedAt", None),
    ):
        for method, url in (("POST", "/api/v1/icps"), ("PUT", f"/api/v1/icps/{created}")):
            response = await api.client.request(
                method, url, json={**icp_body, name: value}, headers=api.auth(team)
            )
            assert response.status_code == 422, (method, name, response.text)
            assert name in [e["field"] for e in response.json()["errors"]]


async def test_the_team_comes_from_the_token_only(api, team, ids, seed):
    other = f"{team}-other"
    await seed.lead(
        team_id_for(other),
        await seed.prospect(team_id_for(other), uuid.uuid4(), "theirs", status="converted"),
        uuid.uuid4(),
    )
    for params in ({"teamId": ids["other_team"]}, {"team_id": ids["other_team"]}):
        response = await api.client.get("/api/v1/leads", params=params, headers=api.auth(team))
        assert response.status_code == 200
        assert [item["id"] for item in response.json()["items"]] == [ids["lead"]]


# ------------------------------------------------------------------------------ the bounds
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/icps",
        "/api/v1/leads",
        CAMPAIGNS,
        CAMPAIGNS + "/{campaign}/prospects",
    ],
)
async def test_pages_are_at_most_200(api, team, ids, path):
    url = fill(path, ids)
    assert (await api.client.get(url, params={"limit": 200}, headers=api.auth(team))).is_success
    response = await api.client.get(url, params={"limit": 201}, headers=api.auth(team))
    assert response.status_code == 422
    assert response.json()["field"] == "limit"


async def test_batches_are_at_most_100(api, team):
    body = {"prospectIds": [str(uuid.uuid4()) for _ in range(101)]}
    response = await api.client.post("/api/v1/enrichment/batch", json=body, headers=api.auth(team))
    assert response.status_code == 422
    assert response.json()["field"] == "prospectIds"


async def test_max_prospects_is_capped_by_the_contract(api, team, ids):
    body = {"icpId": ids["icp"], "name": "big", "platforms": ["linkedin"]}
    too_many = {**body, "options": {"maxProspects": 100_001}}
    response = await api.client.post(CAMPAIGNS, json=too_many, headers=api.auth(team))
    assert response.status_code == 422
    assert response.json()["field"] == "options.maxProspects"


async def test_max_prospects_is_capped_by_the_setting(gateway_engine, team, icp_body):
    settings = GatewaySettings(
        environment="test", kafka_bootstrap_servers="127.0.0.1:1", max_prospects_per_campaign=500
    )
    async with running_gateway(settings, gateway_engine, ("campaign.started",)) as api:
        client, started = api.client, api.events("campaign.started")
        icp_id = await create_icp(api, team, icp_body)
        body = {"icpId": icp_id, "name": "big", "platforms": ["linkedin"]}
        over = {**body, "options": {"maxProspects": 501}}
        response = await client.post(CAMPAIGNS, json=over, headers=api.auth(team))
        assert response.status_code == 422, response.text
        assert response.json()["field"] == "options.maxProspects"
        assert "at most 500" in response.json()["errors"][0]["message"]
        assert started == []
        at_cap = {**body, "options": {"maxProspects": 500}}
        response = await client.post(CAMPAIGNS, json=at_cap, headers=api.auth(team))
        assert response.status_code == 202

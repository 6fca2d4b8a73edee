"""Bearer tokens: 401 without or with a bad one; a team's first request records the team
and its principal; roles without create_campaign get 403 on every change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from leadgen_common.auth import Role, issue_token
from leadgen_common.contracts import team_id_for
from leadgen_common.db.schema import principals, teams
from leadgen_gateway.settings import GatewaySettings

ROUTES = [
    ("GET", "/api/v1/icps"),
    ("POST", "/api/v1/icps"),
    ("GET", "/api/v1/prospecting/campaigns"),
    ("GET", "/api/v1/leads"),
    ("POST", "/api/v1/prospecting/prospects/00000000-0000-0000-0000-000000000001/convert"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_no_token_is_401_with_a_json_error(api, method, path):
    response = await api.client.request(method, path)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        issue_token(
            GatewaySettings(jwt_secret="another-secret-of-at-least-thirty-two-bytes"),
            team="t",
            role="admin",
        ),
        issue_token(GatewaySettings(), team="t", role="admin", ttl=timedelta(seconds=-5)),
    ],
    ids=["garbage", "wrong-secret", "expired"],
)
async def test_invalid_token_is_401(api, token):
    response = await api.client.get("/api/v1/icps", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


async def test_basic_auth_scheme_is_not_a_bearer_token(api):
    response = await api.client.get("/api/v1/icps", headers={"Authorization": "Basic dTpw"})
    assert response.status_code == 401


async def test_first_request_records_team_and_principal(api, seed, team):
    response = await api.client.get("/api/v1/icps", headers=api.auth(team, Role.SALES_REP))
    assert response.status_code == 200
    [team_row] = await seed.rows(teams, id=team_id_for(team))
    assert team_row["name"] == team
    [principal] = await seed.rows(principals, team_id=team_id_for(team))
    assert (principal["subject"], principal["role"]) == (f"sales_rep@{team}", "sales_rep")


async def test_a_changed_role_is_recorded(api, seed, team):
    subject = f"ann@{team}"
    for role in (Role.VIEWER, Role.SALES_MANAGER):
        token = api.token(team, role, subject=subject)
        response = await api.client.get(
            "/api/v1/icps", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200
    [principal] = await seed.rows(principals, team_id=team_id_for(team))
    assert principal["role"] == "sales_manager"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.SALES_REP])
async def test_readers_cannot_change_anything(api, team, role, icp_body, make_campaign):
    campaign_id = await make_campaign(team)
    [started] = api.events("campaign.started")
    icp_id = started["payload"]["icp_id"]
    headers = api.auth(team, role)
    attempts = [
        ("POST", "/api/v1/icps", icp_body),
        ("PUT", f"/api/v1/icps/{icp_id}", icp_body),
        ("DELETE", f"/api/v1/icps/{icp_id}", None),
        (
            "POST",
            "/api/v1/prospecting/campaigns",
            {"icpId": icp_id, "name": "x", "platforms": ["linkedin"]},
        ),
        ("PATCH", f"/api/v1/prospecting/campaigns/{campaign_id}", {"status": "paused"}),
        ("POST", f"/api/v1/prospecting/prospects/{icp_id}/convert", None),
        ("POST", f"/api/v1/prospecting/prospects/{icp_id}/reject", None),
    ]
    for method, path, body in attempts:
        response = await api.client.request(method, path, json=body, headers=headers)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["code"] == "forbidden"
    # ...but they read.
    for path in (f"/api/v1/icps/{icp_id}", f"/api/v1/prospecting/campaigns/{campaign_id}"):
        assert (await api.client.get(path, headers=headers)).status_code == 200
    assert len(api.events("campaign.started")) == 1
    assert api.events("campaign.control") == []

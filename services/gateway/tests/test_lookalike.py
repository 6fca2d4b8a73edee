"""Lookalike routes: POST publishes audience.lookalike_requested keyed by the ICP and
answers 202 pending; unknown/other-team ICPs are 404, X or a viewer is refused; GET reads
discovery's audiences rows in the API's shape."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from leadgen_common.auth import Role
from leadgen_common.contracts import team_id_for
from leadgen_common.db.schema import audiences


def _url(icp_id: str) -> str:
    return f"/api/v1/icps/{icp_id}/lookalike"


async def test_post_publishes_the_command_and_answers_pending(api, team, make_icp):
    icp_id = await make_icp(team)
    body = {"platforms": ["linkedin", "facebook"], "minScore": 0.8, "limit": 300}
    response = await api.client.post(_url(icp_id), json=body, headers=api.auth(team))
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["icpId"] == icp_id
    assert accepted["platforms"] == ["linkedin", "facebook"]
    assert accepted["status"] == "pending"
    request_id = accepted["audienceRequestId"]
    uuid.UUID(request_id)

    [event] = api.events("audience.lookalike_requested")
    assert event["_key"] == icp_id.encode()
    assert event["team_id"] == str(team_id_for(team))
    assert event["correlation_id"] == request_id
    payload = event["payload"]
    assert payload["icp_id"] == icp_id
    assert payload["request_id"] == request_id
    assert payload["platforms"] == ["linkedin", "facebook"]
    assert payload["min_score"] == 0.8
    assert payload["limit"] == 300


async def test_defaults_for_min_score_and_limit(api, team, make_icp):
    icp_id = await make_icp(team)
    response = await api.client.post(
        _url(icp_id), json={"platforms": ["facebook"]}, headers=api.auth(team)
    )
    assert response.status_code == 202
    [event] = api.events("audience.lookalike_requested")
    assert (event["payload"]["min_score"], event["payload"]["limit"]) == (0.75, 500)


async def test_unknown_and_other_teams_icp_are_404(api, team, make_icp):
    body = {"platforms": ["linkedin"]}
    response = await api.client.post(_url(str(uuid.uuid4())), json=body, headers=api.auth(team))
    assert response.status_code == 404
    assert response.json()["code"] == "icp_not_found"
    icp_id = await make_icp(team)
    other = f"{team}-other"
    response = await api.client.post(_url(icp_id), json=body, headers=api.auth(other))
    assert response.status_code == 404
    assert (await api.client.get(_url(icp_id), headers=api.auth(other))).status_code == 404
    assert api.events("audience.lookalike_requested") == []


async def test_bad_platforms_are_422(api, team, make_icp):
    icp_id = await make_icp(team)
    for platforms in (["twitter"], [], ["linkedin", "linkedin"], ["myspace"]):
        response = await api.client.post(
            _url(icp_id), json={"platforms": platforms}, headers=api.auth(team)
        )
        assert response.status_code == 422, platforms
        assert response.json()["errors"][0]["field"].startswith("platforms")
    response = await api.client.post(
        _url(icp_id), json={"platforms": ["linkedin"], "minScore": 2}, headers=api.auth(team)
    )
    assert response.status_code == 422
    assert api.events("audience.lookalike_requested") == []


async def test_viewer_may_read_but_not_request(api, team, make_icp):
    icp_id = await make_icp(team)
    viewer = api.auth(team, Role.VIEWER)
    response = await api.client.post(_url(icp_id), json={"platforms": ["linkedin"]}, headers=viewer)
    assert response.status_code == 403
    assert (await api.client.get(_url(icp_id), headers=viewer)).status_code == 200
    assert (
        await api.client.post(_url(icp_id), json={"platforms": ["linkedin"]})
    ).status_code == 401


async def test_get_lists_discoverys_audiences(api, seed, team, make_icp):
    icp_id = await make_icp(team)
    empty = await api.client.get(_url(icp_id), headers=api.auth(team))
    assert empty.status_code == 200
    assert empty.json() == {"items": []}

    request_id = uuid.uuid4()
    team_id = team_id_for(team)
    async with seed.engine.begin() as conn:
        await conn.execute(
            audiences.insert(),
            [
                {
                    "team_id": team_id,
                    "icp_id": uuid.UUID(icp_id),
                    "platform": "linkedin",
                    "status": "ready",
                    "size": 41000,
                    "definition": {
                        "request_id": str(request_id),
                        "seed_size": 240,
                        "size_lower": 41000,
                        "size_upper": 41000,
                        "lookalike_id": "li-seg-9",
                        "failure_reason": None,
                    },
                    "created_at": datetime(2026, 1, 2, tzinfo=UTC),
                },
                {
                    "team_id": team_id,
                    "icp_id": uuid.UUID(icp_id),
                    "platform": "facebook",
                    "status": "failed",
                    "size": None,
                    "definition": {
                        "request_id": str(request_id),
                        "seed_size": 12,
                        "failure_reason": "Source audience is too small",
                    },
                    "created_at": datetime(2026, 1, 1, tzinfo=UTC),
                },
            ],
        )
    response = await api.client.get(_url(icp_id), headers=api.auth(team))
    assert response.status_code == 200
    ready, failed = response.json()["items"]
    assert ready == {
        "audienceRequestId": str(request_id),
        "platform": "linkedin",
        "status": "ready",
        "seedSize": 240,
        "estimatedSize": {"lower": 41000, "upper": 41000},
        "audienceId": "li-seg-9",
        "failureReason": None,
        "createdAt": "2026-01-02T00:00:00Z",
    }
    assert failed["status"] == "failed"
    assert failed["estimatedSize"] == {"lower": None, "upper": None}
    assert failed["failureReason"] == "Source audience is too small"

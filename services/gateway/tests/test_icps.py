"""ICP CRUD: the sample ICP is accepted, responses are camelCase, bad input names every
bad field, other teams' and deleted ICPs are 404, every change is audited."""

from __future__ import annotations

import uuid

from leadgen_common.contracts import team_id_for
from leadgen_common.db.schema import audit_log, icps


async def test_sample_icp_round_trips_in_camel_case(api, team, icp_body):
    created = await api.client.post("/api/v1/icps", json=icp_body, headers=api.auth(team))
    assert created.status_code == 201
    body = created.json()
    assert body["id"] != icp_body["id"]  # the body's id is ignored; the server names it
    uuid.UUID(body["id"])
    assert created.headers["location"] == f"/api/v1/icps/{body['id']}"
    for key in ("name", "demographics", "firmographics", "psychographics", "behaviors"):
        assert body[key] == icp_body[key]
    assert body["createdAt"] == body["updatedAt"]

    fetched = await api.client.get(f"/api/v1/icps/{body['id']}", headers=api.auth(team))
    assert fetched.status_code == 200
    assert fetched.json() == body


async def test_stored_snake_case_like_the_event_snapshot(api, seed, team, make_icp):
    icp_id = await make_icp(team)
    [row] = await seed.rows(icps, id=uuid.UUID(icp_id))
    assert row["team_id"] == team_id_for(team)
    assert row["definition"]["demographics"]["job_titles"][0] == "CTO"


async def test_bad_icp_lists_every_bad_field_by_json_path(api, team, icp_body):
    icp_body["demographics"]["ageRange"] = "abc"
    icp_body["demographics"]["jobTitles"] = "CTO"
    icp_body["firmographics"]["companySize"] = ["51-200", ""]
    icp_body["behaviors"]["buyingTrigger"] = ["typo"]
    response = await api.client.post("/api/v1/icps", json=icp_body, headers=api.auth(team))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert set(fields) == {
        "demographics.ageRange",
        "demographics.jobTitles",
        "firmographics.companySize[1]",
        "behaviors.buyingTrigger",
    }
    assert "35-55" in fields["demographics.ageRange"]
    assert "list" in fields["demographics.jobTitles"]
    assert body["field"] in fields


async def test_missing_name_and_non_object_body(api, team):
    response = await api.client.post("/api/v1/icps", json={}, headers=api.auth(team))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name"]
    response = await api.client.post("/api/v1/icps", json=[1], headers=api.auth(team))
    assert response.status_code == 422
    response = await api.client.post(
        "/api/v1/icps",
        content=b"{not json",
        headers={**api.auth(team), "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


async def test_put_replaces_and_delete_hides(api, seed, team, icp_body, make_icp):
    icp_id = await make_icp(team)
    icp_body["name"] = "Renamed"
    icp_body["demographics"]["jobTitles"] = ["CFO"]
    put = await api.client.put(f"/api/v1/icps/{icp_id}", json=icp_body, headers=api.auth(team))
    assert put.status_code == 200
    assert put.json()["name"] == "Renamed"
    assert put.json()["demographics"]["jobTitles"] == ["CFO"]
    assert put.json()["updatedAt"] > put.json()["createdAt"]

    deleted = await api.client.delete(f"/api/v1/icps/{icp_id}", headers=api.auth(team))
    assert deleted.status_code == 204
    for method in ("GET", "DELETE"):
        response = await api.client.request(
            method, f"/api/v1/icps/{icp_id}", headers=api.auth(team)
        )
        assert response.status_code == 404
        assert response.json()["code"] == "icp_not_found"
    response = await api.client.put(f"/api/v1/icps/{icp_id}", json=icp_body, headers=api.auth(team))
    assert response.status_code == 404
    listed = await api.client.get("/api/v1/icps", headers=api.auth(team))
    assert listed.json() == {"items": [], "nextCursor": None}

    [row] = await seed.rows(icps, id=uuid.UUID(icp_id))
    assert row["deleted_at"] is not None  # soft: campaigns that used it stay readable
    actions = [r["action"] for r in await seed.rows(audit_log, team_id=team_id_for(team))]
    assert sorted(actions) == ["icp.create", "icp.delete", "icp.update"]


async def test_other_teams_icps_are_404_and_unlisted(api, team, make_icp, icp_body):
    icp_id = await make_icp(team)
    other = api.auth(f"{team}-other")
    assert (await api.client.get(f"/api/v1/icps/{icp_id}", headers=other)).status_code == 404
    put = await api.client.put(f"/api/v1/icps/{icp_id}", json=icp_body, headers=other)
    assert put.status_code == 404
    assert (await api.client.delete(f"/api/v1/icps/{icp_id}", headers=other)).status_code == 404
    preview = await api.client.post(f"/api/v1/icps/{icp_id}/criteria-preview", headers=other)
    assert preview.status_code == 404
    assert (await api.client.get("/api/v1/icps", headers=other)).json()["items"] == []
    assert (
        await api.client.get(f"/api/v1/icps/{icp_id}", headers=api.auth(team))
    ).status_code == 200


async def test_malformed_and_unknown_ids_are_404(api, team):
    for icp_id in ("not-a-uuid", str(uuid.uuid4())):
        response = await api.client.get(f"/api/v1/icps/{icp_id}", headers=api.auth(team))
        assert response.status_code == 404


async def test_list_pages_with_an_opaque_cursor(api, team, make_icp):
    ids = [await make_icp(team) for _ in range(5)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await api.client.get("/api/v1/icps", params=params, headers=api.auth(team))).json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == list(reversed(ids))  # newest first, each exactly once


async def test_bad_paging_parameters_are_422(api, team):
    for params in ({"limit": 0}, {"limit": 201}, {"cursor": "garbage"}, {"cursor": "WzFd"}):
        response = await api.client.get("/api/v1/icps", params=params, headers=api.auth(team))
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["field"] in ("limit", "cursor")


async def test_criteria_preview_uses_the_shared_translator(api, team, make_icp):
    icp_id = await make_icp(team)
    response = await api.client.post(
        f"/api/v1/icps/{icp_id}/criteria-preview",
        json={"platforms": ["linkedin", "facebook"]},
        headers=api.auth(team, "viewer"),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["icpId"] == icp_id
    linkedin = body["platforms"]["linkedin"]
    assert linkedin["criteria"]["titles"][0] == "CTO"
    assert "51-200" in linkedin["criteria"]["companySizes"]
    facebook = body["platforms"]["facebook"]["criteria"]
    assert (facebook["age_min"], facebook["age_max"]) == (35, 55)
    assert facebook["geo_locations"]["countries"] == ["US", "GB", "CA"]


async def test_criteria_preview_defaults_to_every_platform(api, team, make_icp):
    icp_id = await make_icp(team)
    response = await api.client.post(
        f"/api/v1/icps/{icp_id}/criteria-preview", headers=api.auth(team)
    )
    assert response.status_code == 200
    assert set(response.json()["platforms"]) == {"linkedin", "facebook", "twitter"}

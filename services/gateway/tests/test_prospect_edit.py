"""PATCH /prospects/{id}: a user's corrections and assignment are published as
prospect.update (snake_case fields, null clears, null assignee unassigns) and audited by
field name only; other teams' and unknown prospects are 404, erased ones 409, and anything
that is not an editable field is 422 naming it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from leadgen_common.contracts import team_id_for
from leadgen_common.db.schema import audit_log, prospects
from leadgen_common.testing.pii import TEST_CIPHER
from sqlalchemy import update

CAMPAIGNS = "/api/v1/prospecting/campaigns"


def url(prospect_id: Any) -> str:
    return f"/api/v1/prospects/{prospect_id}"


@pytest.fixture
async def ann(team, seed, make_campaign) -> uuid.UUID:
    campaign_id = await make_campaign(team)
    return await seed.prospect(team_id_for(team), uuid.UUID(campaign_id), "ann", score=0.8)


async def test_an_edit_is_published_answered_202_and_audited_without_values(api, seed, team, ann):
    body = {
        "email": "Ann.Smith@Private.Example",
        "title": "  Chief Platform Officer ",
        "companyName": "Acme GmbH",
        "assignee": "rep-7",
    }
    response = await api.client.patch(
        url(ann), json=body, headers={**api.auth(team, "sales_manager"), "X-Request-ID": "r-9"}
    )

    assert response.status_code == 202, response.text
    assert response.json() == {
        "prospectId": str(ann),
        "editedFields": ["email", "title", "companyName", "assignee"],
    }
    [event] = api.events("prospect.update")
    assert event["_key"] == str(ann).encode()
    assert event["correlation_id"] == "r-9"
    assert event["team_id"] == str(team_id_for(team))
    assert event["payload"] == {
        "prospect_id": str(ann),
        "fields": {
            "email": "Ann.Smith@private.example",  # the domain part is case-insensitive
            "title": "Chief Platform Officer",
            "company_name": "Acme GmbH",
        },
        "assignee": "rep-7",
        "unassign": False,
        "lead_status": None,
        "requested_by": f"sales_manager@{team}",
    }
    [row] = await seed.rows(audit_log, action="prospect.update", resource_id=str(ann))
    assert row["details"] == {"fields": ["email", "title", "companyName", "assignee"]}
    assert row["principal"] == f"sales_manager@{team}"
    assert "Acme GmbH" not in str(row) and "rep-7" not in str(row)


async def test_null_clears_a_field_and_a_null_assignee_unassigns(api, team, ann):
    response = await api.client.patch(
        url(ann), json={"phone": None, "assignee": None}, headers=api.auth(team)
    )
    assert response.status_code == 202
    assert response.json()["editedFields"] == ["phone", "assignee"]
    [event] = api.events("prospect.update")
    assert event["payload"]["fields"] == {"phone": None}
    assert (event["payload"]["assignee"], event["payload"]["unassign"]) == (None, True)


async def test_values_are_trimmed_and_a_domain_lowercased(api, team, ann):
    body = {"name": " Ann Smith ", "companyDomain": " Acme.IO ", "phone": "(030) 1234-567"}
    response = await api.client.patch(url(ann), json=body, headers=api.auth(team))
    assert response.status_code == 202, response.text
    [event] = api.events("prospect.update")
    assert event["payload"]["fields"] == {
        "name": "Ann Smith",
        "company_domain": "acme.io",
        "phone": "(030) 1234-567",
    }
    assert event["payload"]["unassign"] is False  # assignee not named: left as it is


async def test_another_teams_prospect_is_404_and_nothing_happens(api, seed, team, ann):
    response = await api.client.patch(
        url(ann), json={"title": "CTO"}, headers=api.auth(f"{team}-other")
    )
    assert response.status_code == 404
    assert response.json()["code"] == "prospect_not_found"
    assert api.events("prospect.update") == []
    assert await seed.rows(audit_log, action="prospect.update", resource_id=str(ann)) == []


@pytest.mark.parametrize("prospect_id", [uuid.uuid4(), "not-a-uuid"])
async def test_an_unknown_prospect_is_404(api, team, prospect_id):
    response = await api.client.patch(
        url(prospect_id), json={"title": "CTO"}, headers=api.auth(team)
    )
    assert response.status_code == 404
    assert api.events("prospect.update") == []


async def test_an_erased_prospect_is_409(api, seed, team, make_campaign):
    campaign_id = await make_campaign(team)
    gone = await seed.prospect(
        team_id_for(team), uuid.UUID(campaign_id), "gone", status="erased", erased=True
    )
    response = await api.client.patch(url(gone), json={"title": "CTO"}, headers=api.auth(team))
    assert response.status_code == 409
    assert response.json()["code"] == "prospect_erased"
    assert api.events("prospect.update") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"favouriteColour": "blue"}, "favouriteColour"),
        ({"title": "CTO", "status": "converted"}, "status"),
        ({"icpMatchScore": 0.99}, "icpMatchScore"),
        ({"qualityScore": 1.0}, "qualityScore"),
        ({"teamId": str(uuid.uuid4())}, "teamId"),
        ({"id": str(uuid.uuid4())}, "id"),
        ({"editedFields": []}, "editedFields"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "ann@"}, "email"),
        ({"phone": "call me maybe"}, "phone"),
        ({"companyDomain": "acme dot io"}, "companyDomain"),
        ({"name": None}, "name"),
        ({"title": "   "}, "title"),
        ({"location": "Ber\u0000lin"}, "location"),
        ({"assignee": "rep\n7"}, "assignee"),
        ({"assignee": 7}, "assignee"),
        ({}, "body"),
    ],
)
async def test_anything_but_an_editable_field_is_422_naming_it(api, seed, team, ann, body, field):
    response = await api.client.patch(url(ann), json=body, headers=api.auth(team))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert field in [error["field"] for error in response.json()["errors"]]
    assert api.events("prospect.update") == []
    assert await seed.rows(audit_log, action="prospect.update", resource_id=str(ann)) == []


@pytest.mark.parametrize("role", ["sales_rep", "viewer"])
async def test_only_managers_and_admins_edit(api, team, ann, role):
    response = await api.client.patch(url(ann), json={"title": "CTO"}, headers=api.auth(team, role))
    assert response.status_code == 403
    assert api.events("prospect.update") == []


async def test_broker_failure_is_503_without_audit(api, seed, team, ann, monkeypatch):
    async def refuse(envelope, headers=None):
        raise ConnectionError("broker down")

    monkeypatch.setattr(api.bus, "publish", refuse)
    response = await api.client.patch(url(ann), json={"title": "CTO"}, headers=api.auth(team))
    assert response.status_code == 503
    assert await seed.rows(audit_log, action="prospect.update", resource_id=str(ann)) == []


async def test_the_listing_shows_contact_fields_marks_and_assignee(
    api, seed, team, make_campaign, admin_engine
):
    campaign_id = await make_campaign(team)
    pid = await seed.prospect(team_id_for(team), uuid.UUID(campaign_id), "ann", score=0.8)
    async with admin_engine.begin() as conn:  # what lead-writer does with the edit
        await conn.execute(
            update(prospects)
            .where(prospects.c.id == pid)
            .values(
                contact_info=TEST_CIPHER.seal_fields(  # encrypted, as lead-writer stores it
                    {"email": "ann@private.example", "phone": "+1 555 0100"},
                    ("email", "phone"),
                    team_id=team_id_for(team),
                    prospect_id=pid,
                ),
                edited_fields=["company_name", "email", "phone"],
                assignee="rep-7",
            )
        )

    response = await api.client.get(f"{CAMPAIGNS}/{campaign_id}/prospects", headers=api.auth(team))

    [item] = response.json()["items"]
    assert (item["email"], item["phone"]) == ("ann@private.example", "+1 555 0100")
    assert item["editedFields"] == ["companyName", "email", "phone"]
    assert item["assignee"] == "rep-7"

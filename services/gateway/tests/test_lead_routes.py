"""PATCH /leads/{id} (status and assignee, published as prospect.update and audited) and
GET /leads/export (streamed CSV of the team's leads, audited with the row count); what a
sales_rep or viewer sees of leads and prospects (only what is assigned to them)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from leadgen_common.auth import Role
from leadgen_common.contracts import team_id_for
from leadgen_common.db.schema import audit_log, leads, prospects
from leadgen_gateway.domain import lead_export
from leadgen_gateway.handlers import leads as lead_routes
from sqlalchemy import update

LEADS = "/api/v1/leads"
EXPORT = "/api/v1/leads/export"


def url(lead_id: uuid.UUID | str) -> str:
    return f"{LEADS}/{lead_id}"


async def assign(admin_engine, prospect_id: uuid.UUID, subject: str | None) -> None:
    """What lead-writer does with an assignment: the prospect and its lead."""
    async with admin_engine.begin() as conn:
        await conn.execute(
            update(prospects).where(prospects.c.id == prospect_id).values(assignee=subject)
        )
        await conn.execute(
            update(leads).where(leads.c.prospect_id == prospect_id).values(assignee=subject)
        )


@pytest.fixture
async def pipeline(team, seed, make_campaign, admin_engine):
    """Three leads of one campaign (ann's assigned to the team's sales_rep, bob's to its
    viewer, cat's to no one) and a prospect in review; returns names -> ids."""
    tid = team_id_for(team)
    campaign = uuid.UUID(await make_campaign(team))
    now = datetime.now(UTC)
    ids: dict[str, uuid.UUID] = {"campaign": campaign}
    owners = {"ann": f"sales_rep@{team}", "bob": f"viewer@{team}", "cat": None}
    for n, (name, owner) in enumerate(owners.items()):
        pid = await seed.prospect(tid, campaign, name, status="converted", score=0.9)
        ids[name] = pid
        created = now + timedelta(seconds=n)
        ids[f"{name}-lead"] = await seed.lead(tid, pid, campaign, created_at=created)
        await assign(admin_engine, pid, owner)
    ids["dan"] = await seed.prospect(tid, campaign, "dan", status="review", score=0.7)
    return ids


# ----------------------------------------------------------------------------- PATCH /leads
async def test_a_manager_sets_status_and_assignee(api, seed, team, pipeline):
    lead = pipeline["cat-lead"]
    response = await api.client.patch(
        url(lead),
        json={"status": "contacted", "assignee": "rep-7"},
        headers={**api.auth(team, Role.SALES_MANAGER), "X-Request-ID": "r-1"},
    )
    assert response.status_code == 202, response.text
    assert response.json() == {
        "leadId": str(lead),
        "prospectId": str(pipeline["cat"]),
        "updatedFields": ["status", "assignee"],
    }
    [event] = api.events("prospect.update")
    assert event["_key"] == str(pipeline["cat"]).encode()
    assert (event["team_id"], event["correlation_id"]) == (str(team_id_for(team)), "r-1")
    assert event["payload"] == {
        "prospect_id": str(pipeline["cat"]),
        "fields": {},
        "assignee": "rep-7",
        "unassign": False,
        "lead_status": "contacted",
        "requested_by": f"sales_manager@{team}",
    }
    [entry] = await seed.rows(audit_log, action="lead.update", resource_id=str(lead))
    assert entry["principal"] == f"sales_manager@{team}"
    assert entry["resource_type"] == "lead"
    assert entry["details"] == {
        "fields": ["status", "assignee"],
        "status": "contacted",
        "previousStatus": "new",
    }


async def test_a_null_assignee_unassigns(api, team, pipeline):
    response = await api.client.patch(
        url(pipeline["ann-lead"]), json={"assignee": None}, headers=api.auth(team)
    )
    assert response.status_code == 202, response.text
    [event] = api.events("prospect.update")
    assert event["payload"]["unassign"] is True
    assert event["payload"]["assignee"] is None
    assert event["payload"]["lead_status"] is None


async def test_a_rep_moves_its_own_leads_only(api, seed, team, pipeline):
    rep = api.auth(team, Role.SALES_REP)
    response = await api.client.patch(
        url(pipeline["ann-lead"]), json={"status": "won"}, headers=rep
    )
    assert response.status_code == 202, response.text
    assert api.events("prospect.update")[0]["payload"]["lead_status"] == "won"
    # another's lead, an unassigned one: as if they did not exist
    for name in ("bob-lead", "cat-lead"):
        response = await api.client.patch(url(pipeline[name]), json={"status": "won"}, headers=rep)
        assert response.status_code == 404, response.text
        assert response.json() == {"code": "lead_not_found", "message": "lead not found"}
    # a rep does not assign, not even its own lead
    response = await api.client.patch(
        url(pipeline["ann-lead"]), json={"status": "won", "assignee": "me"}, headers=rep
    )
    assert response.status_code == 403
    assert response.json()["field"] == "assignee"
    assert len(api.events("prospect.update")) == 1
    assert len(await seed.rows(audit_log, action="lead.update", team_id=team_id_for(team))) == 1


async def test_a_viewer_changes_nothing(api, team, pipeline):
    response = await api.client.patch(
        url(pipeline["bob-lead"]), json={"status": "won"}, headers=api.auth(team, Role.VIEWER)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert api.events("prospect.update") == []


async def test_unknown_other_teams_and_malformed_leads_are_404(api, team, pipeline):
    for lead in (uuid.uuid4(), pipeline["ann-lead"], "not-a-uuid"):
        response = await api.client.patch(
            url(lead), json={"status": "won"}, headers=api.auth(f"{team}-other")
        )
        assert response.status_code == 404, response.text
    assert api.events("prospect.update") == []


async def test_an_erased_persons_lead_is_409(api, team, pipeline, admin_engine):
    async with admin_engine.begin() as conn:
        await conn.execute(
            update(prospects)
            .where(prospects.c.id == pipeline["cat"])
            .values(erased_at=datetime.now(UTC), name=None)
        )
    response = await api.client.patch(
        url(pipeline["cat-lead"]), json={"status": "won"}, headers=api.auth(team)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "prospect_erased"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"status": None}, "body"),
        ({"status": "closed"}, "status"),
        ({"assignee": ""}, "assignee"),
        ({"assignee": "a\nb"}, "assignee"),
        # server-owned fields (OWASP API3): refused, never applied
        ({"status": "won", "icpMatchScore": 1.0}, "icpMatchScore"),
        ({"status": "won", "qualityScore": 1.0}, "qualityScore"),
        ({"status": "won", "source": "review"}, "source"),
        ({"status": "won", "teamId": str(uuid.uuid4())}, "teamId"),
        ({"status": "won", "id": str(uuid.uuid4())}, "id"),
        ({"status": "won", "prospectId": str(uuid.uuid4())}, "prospectId"),
        ({"status": "won", "campaignId": str(uuid.uuid4())}, "campaignId"),
        ({"status": "won", "createdAt": "2020-01-01T00:00:00Z"}, "createdAt"),
    ],
)
async def test_bad_bodies_are_422_naming_the_field(api, seed, team, pipeline, body, field):
    response = await api.client.patch(url(pipeline["ann-lead"]), json=body, headers=api.auth(team))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert field in [error["field"] for error in response.json()["errors"]]
    assert api.events("prospect.update") == []
    assert await seed.rows(audit_log, action="lead.update", team_id=team_id_for(team)) == []


async def test_broker_failure_is_503_without_audit(api, seed, team, pipeline, monkeypatch):
    async def refuse(envelope, headers=None):
        raise ConnectionError("broker down")

    monkeypatch.setattr(api.bus, "publish", refuse)
    response = await api.client.patch(
        url(pipeline["ann-lead"]), json={"status": "won"}, headers=api.auth(team)
    )
    assert response.status_code == 503
    assert await seed.rows(audit_log, action="lead.update", team_id=team_id_for(team)) == []


# ----------------------------------------------------------------------------- what reps see
async def test_reps_and_viewers_list_only_what_is_assigned_to_them(api, team, pipeline):
    expected = {
        Role.SALES_REP: {pipeline["ann"]},
        Role.VIEWER: {pipeline["bob"]},
        Role.SALES_MANAGER: {pipeline["ann"], pipeline["bob"], pipeline["cat"]},
        Role.ADMIN: {pipeline["ann"], pipeline["bob"], pipeline["cat"]},
    }
    prospects_url = f"/api/v1/prospecting/campaigns/{pipeline['campaign']}/prospects"
    for role, people in expected.items():
        headers = api.auth(team, role)
        page = (await api.client.get(LEADS, headers=headers)).json()
        assert {uuid.UUID(i["prospectId"]) for i in page["items"]} == people, role
        page = (await api.client.get(prospects_url, headers=headers)).json()
        listed = {uuid.UUID(i["id"]) for i in page["items"]}
        whole_team = role in (Role.ADMIN, Role.SALES_MANAGER)
        assert listed == (people | {pipeline["dan"]} if whole_team else people), role


async def test_an_assignment_is_what_a_rep_then_sees(api, team, pipeline, admin_engine):
    """Assigned through the API (lead-writer's effect applied here), a lead appears in the
    rep's list; the rep's subject is the token's ``sub``."""
    rep = api.auth(team, Role.SALES_REP)
    response = await api.client.patch(
        url(pipeline["cat-lead"]), json={"assignee": f"sales_rep@{team}"}, headers=api.auth(team)
    )
    assert response.status_code == 202
    assert api.events("prospect.update")[0]["payload"]["assignee"] == f"sales_rep@{team}"
    await assign(admin_engine, pipeline["cat"], f"sales_rep@{team}")
    page = (await api.client.get(LEADS, headers=rep)).json()
    assert {uuid.UUID(i["prospectId"]) for i in page["items"]} == {pipeline["ann"], pipeline["cat"]}


# ----------------------------------------------------------------------------- export
def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_export_streams_the_teams_leads_as_csv_and_audits_the_count(
    api, seed, team, pipeline
):
    response = await api.client.get(EXPORT, headers=api.auth(team, Role.SALES_MANAGER))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="leads.csv"'
    assert response.text.startswith(",".join(lead_export.COLUMNS) + "\r\n")
    rows = parse(response.text)
    assert [r["prospectId"] for r in rows] == [
        str(pipeline[name]) for name in ("cat", "bob", "ann")
    ]  # newest first
    ann = rows[2]
    assert ann == {
        "id": str(pipeline["ann-lead"]),
        "prospectId": str(pipeline["ann"]),
        "campaignId": str(pipeline["campaign"]),
        "status": "new",
        "assignee": f"sales_rep@{team}",
        "name": "Person ann",
        "title": "CTO",
        "company": "Acme",
        "email": "ann@acme.io",
        "icpMatchScore": "0.9",
        "qualityScore": "0.8",
        "source": "auto",
        "createdAt": ann["createdAt"],
    }
    [entry] = await seed.rows(audit_log, action="lead.export", team_id=team_id_for(team))
    assert (entry["principal"], entry["resource_type"]) == (f"sales_manager@{team}", "lead")
    assert entry["details"] == {"rows": 3}


async def test_export_filters_and_stays_in_the_team(api, seed, team, pipeline, make_campaign):
    other_campaign = await make_campaign(team)
    params = {"campaignId": other_campaign}
    response = await api.client.get(EXPORT, params=params, headers=api.auth(team))
    assert parse(response.text) == []
    response = await api.client.get(EXPORT, params={"status": "new"}, headers=api.auth(team))
    assert len(parse(response.text)) == 3
    stranger = await api.client.get(EXPORT, headers=api.auth(f"{team}-other"))
    assert stranger.status_code == 200
    assert parse(stranger.text) == []
    for value in (str(pipeline["ann"]), "Person ann", "ann@acme.io"):
        assert value not in stranger.text
    details = [
        e["details"]
        for e in await seed.rows(audit_log, action="lead.export", team_id=team_id_for(team))
    ]
    assert {"rows": 0, "campaignId": other_campaign} in details
    assert {"rows": 3, "status": "new"} in details


@pytest.mark.parametrize("role", [Role.SALES_REP, Role.VIEWER])
async def test_reps_and_viewers_may_not_export(api, seed, team, pipeline, role):
    response = await api.client.get(EXPORT, headers=api.auth(team, role))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert await seed.rows(audit_log, action="lead.export", team_id=team_id_for(team)) == []


async def test_export_pages_through_many_leads(api, team, pipeline, seed, monkeypatch):
    """Read in pages (one short transaction each): with a page of 2, the three leads and
    two more come out once each, in order."""
    monkeypatch.setattr(lead_routes, "EXPORT_PAGE", 2)
    tid, campaign = team_id_for(team), pipeline["campaign"]
    later = datetime.now(UTC) + timedelta(minutes=1)
    for n in range(2):
        pid = await seed.prospect(tid, campaign, f"more-{n}", status="converted", score=0.9)
        await seed.lead(tid, pid, campaign, created_at=later + timedelta(seconds=n))
    rows = parse((await api.client.get(EXPORT, headers=api.auth(team))).text)
    names = [r["name"] for r in rows]
    assert names == ["Person more-1", "Person more-0", "Person cat", "Person bob", "Person ann"]


async def test_export_defuses_spreadsheet_formulas(api, team, pipeline, admin_engine):
    """Names and titles come from public profiles: a cell that would start a formula is
    prefixed with a quote, so a spreadsheet shows it as text."""
    async with admin_engine.begin() as conn:
        await conn.execute(
            update(prospects)
            .where(prospects.c.id == pipeline["ann"])
            .values(
                name='=HYPERLINK("http://evil.example","x")', title="+1-CTO", company_name="@corp"
            )
        )
    rows = parse((await api.client.get(EXPORT, headers=api.auth(team))).text)
    ann = next(r for r in rows if r["prospectId"] == str(pipeline["ann"]))
    assert ann["name"] == """'=HYPERLINK("http://evil.example","x")"""
    assert (ann["title"], ann["company"]) == ("'+1-CTO", "'@corp")


def test_cells():
    assert lead_export.cell(None) == ""
    assert lead_export.cell(0.5) == "0.5"
    assert lead_export.cell("-2") == "'-2"
    assert lead_export.cell("\tx") == "'\tx"
    assert lead_export.cell("Ann") == "Ann"

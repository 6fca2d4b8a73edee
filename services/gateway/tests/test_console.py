"""The web console (/console, issue 11) on the gateway's test setup: login and its cookie,
CSRF, RBAC as the API decides it (a viewer sees no launch button and is refused anyway),
the API's 422s rendered next to the inputs, and each page drawn from the API."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from leadgen_common.auth import Role
from leadgen_common.contracts import team_id_for
from leadgen_common.testing.pii import TEST_KID
from leadgen_gateway.console.session import COOKIE
from leadgen_gateway.settings import GatewaySettings

from .conftest import PII_KEYS, Api, running_gateway


async def login(api: Api, team: str, role: Role = Role.ADMIN) -> str:
    """Logs the client in with a token; returns the session's CSRF token."""
    response = await api.client.post("/console/login", data={"token": api.token(team, role)})
    assert response.status_code == 303, response.text
    return await csrf_of(api, "/console/campaigns")


async def csrf_of(api: Api, path: str) -> str:
    html = (await api.client.get(path)).text
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match, html
    return match.group(1)


async def test_pages_need_a_session_and_the_login_sets_a_strict_httponly_cookie(api, team):
    response = await api.client.get("/console/campaigns")
    assert response.status_code == 303 and response.headers["location"] == "/console/login"
    login_page = await api.client.get("/console/login")
    assert login_page.status_code == 200
    assert 'for="token"' in login_page.text and "Dev login" not in login_page.text

    refused = await api.client.post("/console/login", data={"token": "not-a-token"})
    assert refused.status_code == 401 and "invalid or expired" in refused.text
    assert (await api.client.post("/console/login/dev", data={})).status_code == 404

    evil = {"Origin": "https://evil.example"}
    forged = await api.client.post("/console/login", data={"token": api.token(team)}, headers=evil)
    assert forged.status_code == 403 and "set-cookie" not in forged.headers

    same = {"Origin": "http://gateway"}  # the test client's own origin
    response = await api.client.post(
        "/console/login", data={"token": api.token(team)}, headers=same
    )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain http here; https gets Secure
    page = await api.client.get("/console/campaigns")
    assert page.status_code == 200 and f"admin@{team}" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "script-src 'self';" in page.headers["content-security-policy"]


async def test_forms_without_the_sessions_csrf_token_change_nothing(api, team, icp_body):
    csrf = await login(api, team)
    pasted = {"mode": "json", "definition": json.dumps(icp_body)}
    for sent in ({}, {"csrf": "0" * 64}):
        response = await api.client.post("/console/icps/new", data={**pasted, **sent})
        assert response.status_code == 403
    listing = await api.client.get("/api/v1/icps", headers=api.auth(team))
    assert listing.json()["items"] == []
    ok = await api.client.post("/console/icps/new", data={**pasted, "csrf": csrf})
    assert ok.status_code == 303


async def test_viewer_sees_no_launch_button_and_the_api_refuses_it_anyway(api, team, make_icp):
    icp_id = await make_icp(team)
    csrf = await login(api, team, Role.VIEWER)
    campaigns = await api.client.get("/console/campaigns")
    assert (
        "Launch a campaign" not in campaigns.text and 'href="/console/launch"' not in campaigns.text
    )
    launch = await api.client.get(f"/console/launch?icp={icp_id}")
    assert launch.status_code == 200
    assert 'id="launch-button"' not in launch.text and "may not launch" in launch.text
    response = await api.client.post(
        "/console/launch",
        data={"csrf": csrf, "sent": "1", "icp": icp_id, "name": "x", "platforms": "linkedin",
              "maxProspects": "10", "minMatchScore": "0.75", "action": "launch"},
    )  # fmt: skip
    assert response.status_code == 403 and "may not create_campaign" in response.text
    assert api.events("campaign.started") == []


async def test_icp_form_shows_the_apis_422_next_to_the_input(api, team):
    csrf = await login(api, team)
    form = {
        "csrf": csrf,
        "mode": "form",
        "name": "Bad age",
        "demographics.ageRange": "about forty",
        "demographics.jobTitles": "CTO\nVP Engineering",
    }
    response = await api.client.post("/console/icps/new", data=form)
    assert response.status_code == 422
    html = response.text
    assert 'id="icp-demographics-ageRange-error"' in html and "age range must look like" in html
    assert 'name="demographics.ageRange" value="about forty"' in html  # kept for fixing
    assert "CTO\nVP Engineering</textarea>" in html

    pasted = await api.client.post(
        "/console/icps/new", data={"csrf": csrf, "mode": "json", "definition": "{nope"}
    )
    assert pasted.status_code == 422 and "not JSON" in pasted.text
    typo = await api.client.post(
        "/console/icps/new",
        data={"csrf": csrf, "mode": "json", "definition": '{"name": "x", "jobTitle": ["CTO"]}'},
    )
    assert typo.status_code == 422 and "<code>jobTitle</code>" in typo.text


async def test_create_edit_and_launch_through_the_console(api, team, icp_body):
    csrf = await login(api, team)
    created = await api.client.post(
        "/console/icps/new",
        data={"csrf": csrf, "mode": "json", "definition": json.dumps(icp_body)},
    )
    assert created.status_code == 303
    icp_id = created.headers["location"].split("icp=")[1]

    edit = await api.client.get(f"/console/icps/{icp_id}/edit")
    assert "Enterprise SaaS Decision Maker" in edit.text
    assert "CTO\nVP Engineering\nDirector of Engineering" in edit.text
    values = dict(re.findall(r'name="([\w.]+)" value="([^"]*)"', edit.text))
    areas = dict(re.findall(r'name="([\w.]+)" rows="3"[^>]*>([^<]*)</textarea>', edit.text))
    form = {**values, **areas, "csrf": csrf, "mode": "form", "name": "Variant B"}
    saved = await api.client.post(f"/console/icps/{icp_id}/edit", data=form)
    assert saved.status_code == 303, saved.text
    stored = (await api.client.get(f"/api/v1/icps/{icp_id}", headers=api.auth(team))).json()
    assert stored["name"] == "Variant B"
    assert stored["demographics"]["jobTitles"] == icp_body["demographics"]["jobTitles"]
    assert stored["psychographics"] == icp_body["psychographics"]

    preview = await api.client.post(
        "/console/launch",
        data={"csrf": csrf, "sent": "1", "icp": icp_id, "platforms": ["linkedin", "twitter"],
              "maxProspects": "50", "minMatchScore": "0.75", "action": "preview"},
    )  # fmt: skip
    assert preview.status_code == 200
    assert "What each platform will be asked" in preview.text and "<h3>twitter</h3>" in preview.text
    assert api.events("campaign.started") == []

    bad = await api.client.post(
        "/console/launch",
        data={"csrf": csrf, "sent": "1", "icp": icp_id, "name": "A", "platforms": "linkedin",
              "maxProspects": "0", "minMatchScore": "0.75", "action": "launch"},
    )  # fmt: skip
    assert bad.status_code == 422 and "options.maxProspects" in bad.text

    launched = await api.client.post(
        "/console/launch",
        data={"csrf": csrf, "sent": "1", "icp": icp_id, "name": "A", "platforms": "linkedin",
              "maxProspects": "50", "minMatchScore": "0.7", "autoEnrich": "on",
              "action": "launch"},
    )  # fmt: skip
    assert launched.status_code == 303
    [event] = api.events("campaign.started")
    assert event["payload"]["options"] == {
        "max_prospects": 50,
        "auto_enrich": True,
        "auto_convert": False,  # unticked
        "min_match_score": 0.7,
    }
    assert launched.headers["location"] == f"/console/campaigns/{event['campaign_id']}"


async def _completed_campaign(api, seed, team, make_campaign) -> str:
    campaign_id = await make_campaign(team)
    cid, tid = uuid.UUID(campaign_id), team_id_for(team)
    await seed.progress(
        cid, tid, status="completed", discovered=4, enriched=4, scored=4, qualified=1,
        review=2, converted=1, cost_total=Decimal("2.00"), started_at=datetime.now(UTC),
        completed_at=datetime.now(UTC),
    )  # fmt: skip
    await seed.prospect(tid, cid, "q1", status="qualified", score=0.9)
    await seed.prospect(tid, cid, "r1", status="review", score=0.7)
    await seed.prospect(tid, cid, "r2", status="review", score=0.62)
    return campaign_id


async def test_campaign_page_and_its_event_stream(api, seed, team, make_campaign):
    campaign_id = await _completed_campaign(api, seed, team, make_campaign)
    await login(api, team)
    html = (await api.client.get(f"/console/campaigns/{campaign_id}")).text
    assert re.search(r'data-live="progress.discovered" id="count-discovered">4<', html)
    assert 'data-live="cost.total">2.00<' in html
    assert 'value="paused" data-control disabled' in html  # ended: no control

    async with api.client.stream("GET", f"/console/campaigns/{campaign_id}/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        text = "".join([chunk async for chunk in stream.aiter_text()])
    first = json.loads(text.split("data: ", 1)[1].split("\n\n")[0])
    assert first["status"] == "completed" and first["progress"]["qualified"] == 1
    assert text.endswith("event: end\ndata: {}\n\n")  # a terminal campaign ends the stream


async def test_ids_that_are_not_ids_never_reach_the_api(api, team, make_icp):
    await make_icp(team)
    await login(api, team)
    for query in ("a=../../icps", "a=x%3Fy", "a=..%2F..%2Ficps"):
        response = await api.client.get(f"/console/analytics?{query}")
        assert response.status_code == 404 and "no such resource" in response.text, query
    launch = await api.client.get("/console/launch?icp=../../leads")
    assert "no such resource" in launch.text


async def test_control_buttons_publish_commands_and_a_viewer_has_none(api, team, make_campaign):
    campaign_id = await make_campaign(team)
    csrf = await login(api, team)
    html = (await api.client.get(f"/console/campaigns/{campaign_id}")).text
    assert 'value="paused" data-control>' in html  # running: control offered
    response = await api.client.post(
        f"/console/campaigns/{campaign_id}/control", data={"csrf": csrf, "status": "paused"}
    )
    assert response.status_code == 303 and "paused+requested" in response.headers["location"]
    [event] = api.events("campaign.control")
    assert event["payload"]["action"] == "pause"

    await login(api, team, Role.VIEWER)
    html = (await api.client.get(f"/console/campaigns/{campaign_id}")).text
    assert "data-control" not in html and 'data-live="progress.discovered"' in html


async def test_review_queue_decides_one_or_many(api, seed, team, make_campaign):
    campaign_id = await _completed_campaign(api, seed, team, make_campaign)
    csrf = await login(api, team)
    html = (await api.client.get(f"/console/review?campaign={campaign_id}")).text
    ids = re.findall(r'data-prospect="([0-9a-f-]{36})"', html)
    assert len(ids) == 2  # the two in review, not the qualified one
    assert "Person r1" in html and "r1 matches" in html and "psychographics" in html
    one = await api.client.post(
        "/console/review",
        data={"csrf": csrf, "campaign": campaign_id, "one": f"{ids[0]}:convert"},
    )
    assert one.status_code == 303 and "1+decision" in one.headers["location"]
    bulk = await api.client.post(
        "/console/review",
        data={"csrf": csrf, "campaign": campaign_id, "action": "reject", "ids": ids},
    )
    assert bulk.status_code == 303
    decisions = [
        (e["payload"]["prospect_id"], e["payload"]["decision"])
        for e in api.events("prospect.reviewed")
    ]
    assert decisions == [(ids[0], "convert"), (ids[0], "reject"), (ids[1], "reject")]


async def test_analytics_compares_two_campaigns(api, seed, team, make_campaign):
    a = await _completed_campaign(api, seed, team, make_campaign)
    b = await make_campaign(team, name="B")
    await login(api, team)
    html = (await api.client.get(f"/console/analytics?a={a}&b={b}")).text
    assert html.count('role="img"') == 2
    # A: 2.00 USD for 1 qualified of 4 scored; B has nothing scored yet.
    assert "<dt>Cost per qualified lead</dt><dd>2.00 USD</dd>" in html
    assert "<dt>Qualified rate</dt><dd>25.0 %</dd>" in html
    assert "<dt>Qualified rate</dt><dd>—</dd>" in html
    assert '<h2 id="cmp-2">B: B</h2>' in html
    assert "<caption>B against A</caption>" in html
    assert "<td>-1</td>" in html  # B has one lead fewer than A
    assert "different platforms" not in html


@pytest.fixture
async def dev_api(settings: GatewaySettings, gateway_engine) -> AsyncIterator[Api]:
    dev = settings.model_copy(update={"console_dev_login": True})
    async with running_gateway(dev, gateway_engine) as api:
        yield api


async def test_dev_login_only_when_the_setting_is_on(dev_api):
    assert "Dev login" in (await dev_api.client.get("/console/login")).text
    response = await dev_api.client.post("/console/login/dev", data={"role": "viewer"})
    assert response.status_code == 303
    page = await dev_api.client.get("/console/campaigns")
    assert "viewer@demo" in page.text


def test_dev_login_is_refused_in_prod():
    with pytest.raises(ValueError, match="CONSOLE_DEV_LOGIN"):
        GatewaySettings(
            environment="prod",
            console_dev_login=True,
            jwt_secret="x" * 48,
            kafka_bootstrap_servers="k:9092",
            pii_keys=json.dumps(PII_KEYS),
            pii_key_id=TEST_KID,
        )


async def test_static_assets_are_served(api):
    for name in ("console.css", "console.js"):
        response = await api.client.get(f"/console/static/{name}")
        assert response.status_code == 200 and len(response.content) > 1000

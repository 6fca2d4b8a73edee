"""GDPR routes on TestKafkaBroker and a real Postgres: DELETE /prospects/{id} (admins)
publishes prospect.erase and is audited without personal data; POST /suppressions
publishes only the SHA-256 digest of the normalized value; an erased prospect stays listed
with status erased and no personal fields."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator

import pytest
from leadgen_common.contracts import team_id_for
from leadgen_common.db.schema import audit_log
from leadgen_gateway.settings import GatewaySettings
from sqlalchemy.ext.asyncio import AsyncEngine

from .conftest import PUBLISHED_TOPICS, Api, running_gateway

TOPICS = (*PUBLISHED_TOPICS, "prospect.erase", "suppression.add")


@pytest.fixture
async def api(settings: GatewaySettings, gateway_engine: AsyncEngine) -> AsyncIterator[Api]:
    """conftest's app, also recording what it publishes on the privacy topics."""
    async with running_gateway(settings, gateway_engine, TOPICS) as api:
        yield api


@pytest.fixture
async def ann(team, seed, make_campaign) -> tuple[uuid.UUID, uuid.UUID]:
    """(campaign, prospect): ann, scored, in a campaign of the team."""
    campaign_id = uuid.UUID(await make_campaign(team))
    return campaign_id, await seed.prospect(team_id_for(team), campaign_id, "ann", score=0.8)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def test_an_admin_erases_a_prospect_202_published_and_audited_without_data(
    api, seed, team, ann
):
    _, prospect_id = ann
    response = await api.client.delete(
        f"/api/v1/prospects/{prospect_id}", headers={**api.auth(team), "X-Request-ID": "gdpr-1"}
    )

    assert response.status_code == 202, response.text
    assert response.json() == {"prospectId": str(prospect_id), "status": "accepted"}
    [event] = api.events("prospect.erase")
    assert event["_key"] == str(prospect_id).encode()
    assert (event["team_id"], event["correlation_id"]) == (str(team_id_for(team)), "gdpr-1")
    assert event["payload"] == {"prospect_id": str(prospect_id), "requested_by": f"admin@{team}"}
    [row] = await seed.rows(audit_log, action="prospect.erase", resource_id=str(prospect_id))
    assert (row["principal"], row["resource_type"], row["details"]) == (
        f"admin@{team}",
        "prospect",
        {},
    )


@pytest.mark.parametrize("role", ["sales_manager", "sales_rep", "viewer"])
async def test_only_admins_may_erase(api, seed, team, ann, role):
    _, prospect_id = ann
    response = await api.client.delete(
        f"/api/v1/prospects/{prospect_id}", headers=api.auth(team, role)
    )

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert api.events("prospect.erase") == []
    assert await seed.rows(audit_log, action="prospect.erase", team_id=team_id_for(team)) == []


async def test_another_teams_or_an_unknown_prospect_is_404_and_nothing_is_published(
    api, seed, team, ann
):
    _, prospect_id = ann
    for target, caller in ((prospect_id, f"{team}-other"), (uuid.uuid4(), team)):
        response = await api.client.delete(f"/api/v1/prospects/{target}", headers=api.auth(caller))
        assert (response.status_code, response.json()["code"]) == (404, "prospect_not_found")
    assert api.events("prospect.erase") == []


async def test_an_erased_prospect_is_listed_without_personal_data_and_may_be_asked_again(
    api, seed, team, make_campaign
):
    campaign_id = uuid.UUID(await make_campaign(team))
    gone = await seed.prospect(
        team_id_for(team), campaign_id, "gone", status="erased", score=0.7, erased=True
    )
    listing = await api.client.get(
        f"/api/v1/prospecting/campaigns/{campaign_id}/prospects", headers=api.auth(team)
    )
    [item] = listing.json()["items"]
    assert item["status"] == "erased"
    personal = ("name", "title", "company", "location", "email", "phone")
    assert {field: item[field] for field in personal} == dict.fromkeys(personal)
    assert item["editedFields"] == []

    again = await api.client.delete(f"/api/v1/prospects/{gone}", headers=api.auth(team))

    assert again.status_code == 202  # every consumer is idempotent; the request is audited
    assert len(api.events("prospect.erase")) == 1


@pytest.mark.parametrize(
    ("kind", "value", "normal"),
    [
        ("email", "  Ann.Smith@Example.ORG ", "ann.smith@example.org"),
        ("domain", "https://www.OptOut-Corp.io/about", "optout-corp.io"),
        (
            "profile_url",
            "https://www.linkedin.com/in/Ann-Smith-1/?trk=x",
            "linkedin.com/in/ann-smith-1",
        ),
    ],
)
async def test_an_opt_out_publishes_only_the_digest_of_the_normal_form(
    api, seed, team, kind, value, normal
):
    response = await api.client.post(
        "/api/v1/suppressions",
        json={"kind": kind, "value": value},
        headers=api.auth(team, "sales_manager"),
    )

    assert response.status_code == 202, response.text
    assert response.json() == {"kind": kind, "status": "accepted"}
    [event] = api.events("suppression.add")
    assert event["_key"] == str(team_id_for(team)).encode()
    assert event["payload"] == {
        "kind": kind,
        "value": sha(normal),
        "hashed": True,
        "requested_by": f"sales_manager@{team}",
    }
    [row] = await seed.rows(audit_log, action="suppression.add", team_id=team_id_for(team))
    assert (row["resource_type"], row["details"]) == ("suppression", {"kind": kind})
    for text in (str(event), str(row)):
        assert normal not in text.lower() and value.strip() not in text


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "email", "value": "not-an-email"},
        {"kind": "domain", "value": "localhost"},
        {"kind": "profile_url", "value": "https://x.com"},
        {"kind": "phone", "value": "+49 30 1234567"},
        {"kind": "email", "value": "a\u0000@example.org"},
        {"kind": "email"},
    ],
)
async def test_an_opt_out_naming_nothing_is_422_and_publishes_nothing(api, team, body):
    response = await api.client.post("/api/v1/suppressions", json=body, headers=api.auth(team))

    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert api.events("suppression.add") == []


@pytest.mark.parametrize("role", ["sales_rep", "viewer"])
async def test_reps_and_viewers_may_not_add_opt_outs(api, team, role):
    response = await api.client.post(
        "/api/v1/suppressions",
        json={"kind": "domain", "value": "optout.example"},
        headers=api.auth(team, role),
    )

    assert response.status_code == 403
    assert api.events("suppression.add") == []

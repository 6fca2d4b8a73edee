"""The /webhooks routes on the real Postgres: registration (secret once, stored
encrypted), URL checks (422 naming the field), pause/resume/rotate, the delivery log, and
who may do it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from leadgen_common.auth import Role
from leadgen_common.contracts import team_id_for
from leadgen_common.crypto import is_ciphertext
from leadgen_common.db.schema import (
    audit_log,
    webhook_deliveries,
    webhook_endpoint_states,
    webhook_registrations,
)
from leadgen_common.testing.pii import TEST_CIPHER
from leadgen_common.webhooks import SECRET_FIELD
from leadgen_gateway.settings import GatewaySettings
from sqlalchemy.ext.asyncio import AsyncEngine

from .conftest import Api, Seed, running_gateway

PUBLIC = "https://93.184.216.34/hooks/leadgen"  # an IP literal: no DNS needed


async def register(api: Api, team: str, url: str = PUBLIC, **extra: object) -> dict:
    response = await api.client.post(
        "/api/v1/webhooks", json={"url": url, **extra}, headers=api.auth(team)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_register_shows_the_secret_once_and_stores_it_encrypted(
    api: Api, team: str, seed: Seed
) -> None:
    created = await register(api, team, description="CRM sync")
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["lead.created"] and created["status"] == "active"
    assert created["description"] == "CRM sync" and created["consecutiveFailures"] == 0
    fetched = (
        await api.client.get(f"/api/v1/webhooks/{created['id']}", headers=api.auth(team))
    ).json()
    assert fetched["secret"] is None
    assert {k: v for k, v in fetched.items() if k != "secret"} == {
        k: v for k, v in created.items() if k != "secret"
    }
    (row,) = await seed.rows(webhook_registrations, id=uuid.UUID(created["id"]))
    assert is_ciphertext(row["secret"]) and created["secret"] not in row["secret"]
    clear = TEST_CIPHER.decrypt(
        row["secret"], team_id=team_id_for(team), prospect_id=row["id"], field=SECRET_FIELD
    )
    assert clear == created["secret"]
    (entry,) = await seed.rows(audit_log, team_id=team_id_for(team), action="webhook.create")
    assert entry["details"] == {"host": "93.184.216.34", "events": ["lead.created"]}
    assert created["secret"] not in str(entry)


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/hook",
        "https://127.0.0.1/hook",
        "https://10.0.0.8/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://2130706433/hook",
        "https://localhost/hook",
        "https://user:pw@93.184.216.34/hook",
        "https://no-such-host.invalid/hook",
        "not a url",
    ],
)
async def test_unsafe_urls_are_a_422_naming_the_field(api: Api, team: str, url: str) -> None:
    response = await api.client.post("/api/v1/webhooks", json={"url": url}, headers=api.auth(team))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["field"] == "url" and body["errors"][0]["field"] == "url"


async def test_unknown_events_and_fields_are_refused(api: Api, team: str) -> None:
    for body, field in (
        ({"url": PUBLIC, "events": ["lead.deleted"]}, "events[0]"),
        ({"url": PUBLIC, "events": []}, "events"),
        ({"url": PUBLIC, "secret": "mine"}, "secret"),
    ):
        response = await api.client.post("/api/v1/webhooks", json=body, headers=api.auth(team))
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == field


async def test_dev_mode_allows_a_local_http_receiver(
    settings: GatewaySettings, gateway_engine: AsyncEngine, team: str
) -> None:
    dev = settings.model_copy(update={"webhooks_allow_private": True})
    async with running_gateway(dev, gateway_engine, topics=()) as api:
        created = await register(api, team, url="http://127.0.0.1:9/hook")
    assert created["url"] == "http://127.0.0.1:9/hook"


def test_dev_mode_is_refused_in_prod(settings: GatewaySettings) -> None:
    prod = {**settings.model_dump(), "environment": "prod", "jwt_secret": "x" * 40}
    GatewaySettings(**prod)  # otherwise valid
    with pytest.raises(ValueError, match="WEBHOOKS_ALLOW_PRIVATE"):
        GatewaySettings(**{**prod, "webhooks_allow_private": True})


async def test_patch_pauses_rotates_and_revalidates(api: Api, team: str, seed: Seed) -> None:
    created = await register(api, team)
    path, auth = f"/api/v1/webhooks/{created['id']}", api.auth(team)
    paused = (await api.client.patch(path, json={"enabled": False}, headers=auth)).json()
    assert paused["status"] == "paused" and paused["secret"] is None
    rotated = (await api.client.patch(path, json={"rotateSecret": True}, headers=auth)).json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    (row,) = await seed.rows(webhook_registrations, id=uuid.UUID(created["id"]))
    assert (
        TEST_CIPHER.decrypt(
            row["secret"], team_id=team_id_for(team), prospect_id=row["id"], field=SECRET_FIELD
        )
        == rotated["secret"]
    )
    bad = await api.client.patch(path, json={"url": "https://10.1.1.1/x"}, headers=auth)
    assert bad.status_code == 422 and bad.json()["field"] == "url"
    moved = await api.client.patch(path, json={"url": "https://93.184.216.35/y"}, headers=auth)
    assert moved.json()["url"] == "https://93.184.216.35/y"


async def test_resuming_lifts_a_disable_for_failures(
    api: Api, team: str, admin_engine: AsyncEngine
) -> None:
    """The webhooks service disables an endpoint in its own table; PATCH enabled=true moves
    the gateway's enabled_at past it, which is what makes it active again."""
    created = await register(api, team)
    endpoint_id, path = uuid.UUID(created["id"]), f"/api/v1/webhooks/{created['id']}"
    async with admin_engine.begin() as conn:  # what the delivery service writes
        await conn.execute(
            webhook_endpoint_states.insert().values(
                endpoint_id=endpoint_id,
                team_id=team_id_for(team),
                consecutive_failures=5,
                disabled_at=datetime.now(UTC) + timedelta(seconds=1),
            )
        )
    disabled = (await api.client.get(path, headers=api.auth(team))).json()
    assert disabled["status"] == "disabled" and disabled["disabledAt"] is not None
    assert disabled["consecutiveFailures"] == 5
    async with admin_engine.begin() as conn:  # the disable happened in the past
        await conn.execute(
            webhook_endpoint_states.update()
            .where(webhook_endpoint_states.c.endpoint_id == endpoint_id)
            .values(disabled_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    resumed = (await api.client.patch(path, json={"enabled": True}, headers=api.auth(team))).json()
    assert resumed["status"] == "active" and resumed["disabledAt"] is None
    assert resumed["consecutiveFailures"] == 0


async def test_delivery_log_pages_newest_first_without_bodies(
    api: Api, team: str, admin_engine: AsyncEngine
) -> None:
    created = await register(api, team)
    endpoint_id = uuid.UUID(created["id"])
    start = datetime.now(UTC)
    async with admin_engine.begin() as conn:
        for n, state in enumerate(("delivered", "pending", "failed")):
            await conn.execute(
                webhook_deliveries.insert().values(
                    team_id=team_id_for(team),
                    endpoint_id=endpoint_id,
                    event_id=uuid.uuid4(),
                    event_type="lead.created",
                    body="enc:v1:secret-body",
                    status=state,
                    attempts=n + 1,
                    last_status_code=500 if state != "delivered" else 200,
                    created_at=start + timedelta(seconds=n),
                )
            )
    path = f"/api/v1/webhooks/{endpoint_id}/deliveries"
    first = (await api.client.get(path, params={"limit": 2}, headers=api.auth(team))).json()
    assert [d["status"] for d in first["items"]] == ["failed", "pending"]
    assert first["items"][1]["nextAttemptAt"] is not None
    assert first["items"][0]["nextAttemptAt"] is None
    assert "body" not in first["items"][0] and "secret-body" not in str(first)
    rest = (
        await api.client.get(
            path, params={"limit": 2, "cursor": first["nextCursor"]}, headers=api.auth(team)
        )
    ).json()
    assert [d["status"] for d in rest["items"]] == ["delivered"] and rest["nextCursor"] is None


async def test_another_team_sees_nothing_and_delete_is_final(api: Api, team: str) -> None:
    created = await register(api, team)
    path = f"/api/v1/webhooks/{created['id']}"
    other = api.auth(f"other-{team}")
    for method in ("GET", "PATCH", "DELETE"):
        response = await api.client.request(
            method, path, headers=other, json={} if method == "PATCH" else None
        )
        assert response.status_code == 404, method
    listing = (await api.client.get("/api/v1/webhooks", headers=other)).json()
    assert listing["items"] == []
    assert (await api.client.delete(path, headers=api.auth(team))).status_code == 204
    assert (await api.client.get(path, headers=api.auth(team))).status_code == 404
    gone = await api.client.get(f"{path}/deliveries", headers=api.auth(team))
    assert gone.status_code == 404 and gone.json()["code"] == "webhook_not_found"


@pytest.mark.parametrize("role", [Role.SALES_REP, Role.VIEWER])
async def test_reps_and_viewers_may_not_manage_webhooks(api: Api, team: str, role: Role) -> None:
    response = await api.client.post(
        "/api/v1/webhooks", json={"url": PUBLIC}, headers=api.auth(team, role)
    )
    assert response.status_code == 403
    listing = await api.client.get("/api/v1/webhooks", headers=api.auth(team, role))
    assert listing.status_code == 403

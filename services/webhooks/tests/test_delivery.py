"""The webhooks service end to end within its process: lead.created on the broker (FastStream's
in-memory one), its own tables on a real Postgres, a real HTTP receiver on loopback."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from leadgen_common.contracts import envelope_for
from leadgen_common.contracts.events import ProspectErased
from leadgen_common.db.schema import webhook_endpoint_states, webhook_registrations
from leadgen_common.webhooks import verify
from prometheus_client import REGISTRY
from sqlalchemy import select

from .conftest import Receiver, Service, lead_created


async def _state(service: Service, endpoint_id: uuid.UUID) -> dict | None:
    async with service.admin.connect() as conn:
        row = (
            (
                await conn.execute(
                    select(webhook_endpoint_states).where(
                        webhook_endpoint_states.c.endpoint_id == endpoint_id
                    )
                )
            )
            .mappings()
            .one_or_none()
        )
    return None if row is None else dict(row)


def _count(outcome: str) -> float:
    return REGISTRY.get_sample_value("leadgen_webhook_deliveries_total", {"outcome": outcome})


async def test_signed_retried_after_a_500_with_the_same_event_id_and_delivered_once(
    open_service, receiver: Receiver
) -> None:
    receiver.answers = [500, 200]
    team = uuid.uuid4()
    before = {o: _count(o) for o in ("retry", "delivered")}
    async with open_service() as service:
        endpoint_id, secret = await service.register(team, f"{receiver.url}/hook")
        event = lead_created(team)
        await service.bus.publish(event)
        (row,) = await service.until(lambda: _delivered(service, endpoint_id))
    first, second = receiver.requests
    assert first.path == second.path == "/hook"
    for got in (first, second):
        assert got.headers["X-Leadgen-Event-Id"] == str(event.event_id)
        assert got.headers["X-Leadgen-Event-Type"] == "lead.created"
        assert got.headers["User-Agent"].startswith("leadgen-webhooks/")
        assert verify(
            secret, got.body, got.headers["X-Leadgen-Timestamp"], got.headers["X-Leadgen-Signature"]
        )
        assert not verify(
            "whsec_other",
            got.body,
            got.headers["X-Leadgen-Timestamp"],
            got.headers["X-Leadgen-Signature"],
        )
        body = json.loads(got.body)
        assert body["event_id"] == str(event.event_id) and body["event_type"] == "lead.created"
        assert body["payload"]["email"] == "ada@acme.example"
    assert first.body == second.body
    assert row["attempts"] == 2 and row["last_status_code"] == 200 and row["body"] is None
    assert row["delivered_at"] is not None
    assert {o: _count(o) - n for o, n in before.items()} == {"retry": 1, "delivered": 1}


async def _delivered(service: Service, endpoint_id: uuid.UUID) -> list[dict] | None:
    rows = await service.deliveries(endpoint_id=endpoint_id)
    return rows if rows and all(r["status"] == "delivered" for r in rows) else None


async def test_a_redelivered_message_makes_no_second_delivery(
    open_service, receiver: Receiver
) -> None:
    """Kafka delivers at least once: the same lead.created again (same event id) finds its
    (endpoint, event) row and adds nothing, before or after the first delivery."""
    team = uuid.uuid4()
    async with open_service() as service:
        endpoint_id, _ = await service.register(team, f"{receiver.url}/hook")
        other_id, _ = await service.register(team, f"{receiver.url}/other")
        event = lead_created(team)
        await service.bus.publish(event)
        await service.bus.publish(event)  # before it was delivered
        await service.until(lambda: _delivered(service, endpoint_id))
        await service.until(lambda: _delivered(service, other_id))
        await service.bus.publish(event)  # after
        rows = await service.deliveries(event_id=event.event_id)
    assert sorted(r["endpoint_id"] for r in rows) == sorted([endpoint_id, other_id])
    assert all(r["status"] == "delivered" and r["attempts"] == 1 for r in rows)
    assert sorted(r.path for r in receiver.requests) == ["/hook", "/other"]


async def test_disabled_after_repeated_failures_redirects_not_followed(
    open_service, receiver: Receiver
) -> None:
    """Every attempt answers a redirect (not followed: not a success); after max attempts
    each delivery fails, and the second failed delivery disables the endpoint: a later
    lead is not queued for it. Another team's endpoint is untouched."""
    receiver.answers = [302]
    team = uuid.uuid4()
    disabled_before = _count("disabled")
    async with open_service(webhook_max_attempts=2, webhook_disable_after=2) as service:
        endpoint_id, _ = await service.register(team, f"{receiver.url}/hook")
        for person in ("ada", "bob"):
            await service.bus.publish(lead_created(team, person))

        async def disabled() -> dict | None:
            state = await _state(service, endpoint_id)
            return state if state and state["disabled_at"] is not None else None

        state = await service.until(disabled)
        rows = await service.until(
            lambda: _all(service, endpoint_id, lambda r: r["status"] == "failed")
        )
        await service.bus.publish(lead_created(team, "cy"))
        after = await service.deliveries(endpoint_id=endpoint_id)
    assert state["consecutive_failures"] == 2
    assert _count("disabled") - disabled_before == 1
    assert len(rows) == len(after) == 2
    assert all(r["attempts"] == 2 and r["last_error"] == "http_302" for r in rows)
    assert all(r["body"] is None for r in rows)
    assert {r.path for r in receiver.requests} == {"/hook"}  # never /followed
    assert len(receiver.requests) == 4


async def _all(service: Service, endpoint_id: uuid.UUID, check) -> list[dict] | None:
    rows = await service.deliveries(endpoint_id=endpoint_id)
    return rows if len(rows) == 2 and all(check(r) for r in rows) else None


async def test_a_name_that_now_resolves_to_loopback_gets_nothing(
    open_service, receiver: Receiver
) -> None:
    """DNS rebinding: the registered name passed the gateway's check, but at delivery time
    it resolves to 127.0.0.1; outside dev mode the attempt is refused before connecting."""
    port = receiver.url.rsplit(":", 1)[1]

    async def rebinding(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    team = uuid.uuid4()
    async with open_service(
        resolver=rebinding, webhooks_allow_private=False, webhook_max_attempts=1
    ) as service:
        endpoint_id, _ = await service.register(team, f"https://hooks.example.com:{port}/hook")
        await service.bus.publish(lead_created(team))
        (row,) = await service.until(
            lambda: _one(service, endpoint_id, lambda r: r["status"] == "failed")
        )
    assert row["last_error"] == "unsafe_target: the host resolves to a loopback address"
    assert receiver.requests == []


async def _one(service: Service, endpoint_id: uuid.UUID, check) -> list[dict] | None:
    rows = await service.deliveries(endpoint_id=endpoint_id)
    return rows if len(rows) == 1 and check(rows[0]) else None


async def test_paused_later_and_other_teams_endpoints_get_nothing_and_deleted_ones_fail(
    open_service, receiver: Receiver
) -> None:
    team, other = uuid.uuid4(), uuid.uuid4()
    async with open_service() as service:
        old_lead = lead_created(team, "old")  # occurred before any endpoint was registered
        paused, _ = await service.register(team, f"{receiver.url}/paused", enabled=False)
        foreign, _ = await service.register(other, f"{receiver.url}/other-team")
        await service.bus.publish(lead_created(team))
        assert await service.deliveries(endpoint_id=paused) == []
        assert await service.deliveries(endpoint_id=foreign) == []
        later, _ = await service.register(team, f"{receiver.url}/later")
        await service.bus.publish(old_lead)
        assert await service.deliveries(endpoint_id=later) == []
        # registered, then deleted while its delivery waits for a retry
        receiver.answers = [500]
        gone, _ = await service.register(team, f"{receiver.url}/gone")
        await service.bus.publish(lead_created(team, "bob"))
        await service.until(lambda: receiver.requests)
        async with service.admin.begin() as conn:
            await conn.execute(
                webhook_registrations.delete().where(webhook_registrations.c.id == gone)
            )
        (row,) = await service.until(lambda: _one(service, gone, lambda r: r["status"] == "failed"))
    assert row["last_error"] == "endpoint_deleted" and row["body"] is None
    paths = {r.path for r in receiver.requests}
    assert "/gone" in paths and not paths & {"/paused", "/other-team"}  # /later: bob's lead


async def test_an_erased_persons_waiting_delivery_is_dropped(
    open_service, receiver: Receiver
) -> None:
    """A delivery waiting for its retry when lead-writer erases the person is failed with
    its body dropped: the person's data never leaves after the erasure."""
    receiver.answers = [500]
    team = uuid.uuid4()
    async with open_service(webhook_backoff_base_s=60, webhook_backoff_max_s=60) as service:
        endpoint_id, _ = await service.register(team, f"{receiver.url}/hook")
        event = lead_created(team)
        await service.bus.publish(event)
        await service.until(lambda: _one(service, endpoint_id, lambda r: r["attempts"] == 1))
        erased = ProspectErased(prospect_id=event.payload.prospect_id, erased_at=datetime.now(UTC))
        await service.bus.publish(envelope_for(erased, team_id=team, correlation_id="erase"))
        (row,) = await service.deliveries(endpoint_id=endpoint_id)
    assert (row["status"], row["last_error"], row["body"]) == ("failed", "prospect_erased", None)
    assert len(receiver.requests) == 1

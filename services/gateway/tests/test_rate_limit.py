"""The per-principal API rate limit: 429 rate_limited with Retry-After once a principal made
API_RATE_LIMIT_PER_MINUTE requests in a minute; per replica without Redis, shared by every
replica through Redis (keys naming no one), and per replica again while Redis is down."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest
from faststream.kafka import TestKafkaBroker
from leadgen_common.auth import Principal, Role, issue_token
from leadgen_common.contracts import team_id_for
from leadgen_common.kafka import EventBus
from leadgen_common.testing.valkey import running_valkey
from leadgen_gateway.adapters.rate_limit import LocalRateLimit, RedisRateLimit
from leadgen_gateway.domain.rate_limit import LocalLimiter
from leadgen_gateway.main import create_app
from leadgen_gateway.settings import GatewaySettings
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

ICPS = "/api/v1/icps"


# --------------------------------------------------------------------------- the bucket
def test_a_full_bucket_then_one_per_interval():
    limiter = LocalLimiter(3, 60.0)
    assert [limiter.take("ann", 100.0).allowed for _ in range(3)] == [True] * 3
    denied = limiter.take("ann", 100.0)
    assert not denied.allowed
    assert denied.retry_after_s == pytest.approx(20.0)
    assert limiter.take("bob", 100.0).allowed  # a bucket per key
    assert not limiter.take("ann", 119.0).allowed
    assert limiter.take("ann", 120.0).allowed
    assert not limiter.take("ann", 120.0).allowed


def test_six_hundred_a_minute_are_six_hundred():
    """Sums of 0.1 s intervals are not exact in binary; the 600th still passes."""
    limiter = LocalLimiter(600, 60.0)
    assert sum(limiter.take("ann", 5.0).allowed for _ in range(601)) == 600


def test_the_least_recently_seen_are_forgotten():
    limiter = LocalLimiter(1, 60.0, max_keys=2)
    for key in ("a", "b", "c"):
        assert limiter.take(key, 0.0).allowed
    assert limiter.take("a", 0.0).allowed  # forgotten: a full bucket again
    assert not limiter.take("c", 0.0).allowed


# --------------------------------------------------------------------------- through the API
@asynccontextmanager
async def gateway(engine: AsyncEngine, **values) -> AsyncIterator[httpx.AsyncClient]:
    settings = GatewaySettings(environment="test", kafka_bootstrap_servers="127.0.0.1:1", **values)
    bus = EventBus(settings)
    app = create_app(settings, engine=engine, bus=bus)
    async with TestKafkaBroker(bus.broker), app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client


def bearer(team: str, role: Role = Role.VIEWER, subject: str | None = None) -> dict[str, str]:
    token = issue_token(GatewaySettings(), team=team, role=role, subject=subject)
    return {"Authorization": f"Bearer {token}"}


def assert_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["code"] == "rate_limited"
    assert "3 a minute" in body["message"]
    assert 1 <= int(response.headers["retry-after"]) <= 60


async def test_the_fourth_request_in_a_minute_is_429(gateway_engine, team):
    async with gateway(gateway_engine, api_rate_limit_per_minute=3) as client:
        ann = bearer(team, subject="ann")
        for _ in range(3):
            assert (await client.get(ICPS, headers=ann)).status_code == 200
        assert_limited(await client.get(ICPS, headers=ann))
        assert_limited(await client.post(ICPS, json={}, headers=ann))  # before anything else
        # another principal of the team, and another team, have their own budgets
        assert (await client.get(ICPS, headers=bearer(team, subject="bob"))).status_code == 200
        assert (
            await client.get(ICPS, headers=bearer(f"{team}-x", subject="ann"))
        ).status_code == 200
        # requests without a valid token are refused before the limit and take nothing
        for _ in range(5):
            assert (await client.get(ICPS)).status_code == 401
        assert (await client.get(ICPS, headers=bearer(team, subject="cat"))).status_code == 200


async def test_zero_turns_the_limit_off(gateway_engine, team):
    async with gateway(gateway_engine, api_rate_limit_per_minute=0) as client:
        for _ in range(20):
            assert (await client.get(ICPS, headers=bearer(team))).status_code == 200


def test_the_default_is_generous():
    assert GatewaySettings().api_rate_limit_per_minute == 600


# --------------------------------------------------------------------------- with Redis
@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with running_valkey() as url:
        yield url


async def test_replicas_share_the_limit_through_redis(gateway_engine, team, redis_url):
    ann = bearer(team, subject=f"ann@{team}.example")
    async with (
        gateway(gateway_engine, api_rate_limit_per_minute=3, redis_url=redis_url) as one,
        gateway(gateway_engine, api_rate_limit_per_minute=3, redis_url=redis_url) as two,
    ):
        assert (await one.get(ICPS, headers=ann)).status_code == 200
        assert (await two.get(ICPS, headers=ann)).status_code == 200
        assert (await one.get(ICPS, headers=ann)).status_code == 200
        assert_limited(await two.get(ICPS, headers=ann))
        assert_limited(await one.get(ICPS, headers=ann))
        assert (await two.get(ICPS, headers=bearer(team, subject="bob"))).status_code == 200
    client = Redis.from_url(redis_url)
    try:
        keys = [k.decode() async for k in client.scan_iter("gateway:api:*")]
    finally:
        await client.aclose()
    assert keys and all(team not in k and "ann" not in k for k in keys), keys


async def test_a_redis_outage_falls_back_to_a_limit_per_replica(caplog):
    """An unreachable Redis: the replica limits on its own, and says so once."""
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    limit = RedisRateLimit(dead, 2)
    who = Principal("ann", team_id_for("acme"), "acme", Role.VIEWER)
    verdicts = [(await limit.take(who)).allowed for _ in range(3)]
    await limit.close()
    assert verdicts == [True, True, False]
    warnings = [r for r in caplog.records if "Redis unavailable" in r.getMessage()]
    assert len(warnings) == 1


async def test_a_redis_limit_tells_how_long_to_wait(redis_url):
    client = Redis.from_url(redis_url)
    limit = RedisRateLimit(client, 2, window_s=60.0, prefix=f"test:{uuid.uuid4().hex}")
    who = Principal("ann", team_id_for("acme"), "acme", Role.VIEWER)
    try:
        assert (await limit.take(who)).allowed
        assert (await limit.take(who)).allowed
        denied = await limit.take(who)
    finally:
        await limit.close()
    assert not denied.allowed
    assert 59.0 < denied.retry_after_s <= 60.0


async def test_the_local_limit_keys_on_team_and_subject():
    limit = LocalRateLimit(1)
    ann = Principal("ann", team_id_for("acme"), "acme", Role.VIEWER)
    same_subject_other_team = Principal("ann", team_id_for("other"), "other", Role.VIEWER)
    assert (await limit.take(ann)).allowed
    assert not (await limit.take(ann)).allowed
    assert (await limit.take(same_subject_other_team)).allowed

"""The embedded stack behind `make up`: every server ready, every stack.env key usable,
messages through the real broker to every consumer, poison to the DLQ, real pids, and a
killed service restarted."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import psutil
import psycopg
import pytest
import redis.asyncio as redis
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from leadgen_common.auth import Role, verify_token
from leadgen_common.contracts import (
    all_topic_names,
    decode,
    encode,
    envelope_for,
    message_key,
    team_id_for,
)
from leadgen_common.settings import ServiceSettings
from leadgen_common.testing.e2e import sample_payload, subscriptions
from leadgen_devstack.commands.dlq import read_all
from leadgen_devstack.envfile import read_env
from leadgen_devstack.servers.services import SERVICES
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.stack

DESIGN_KEYS = {
    "GATEWAY_URL",
    "KAFKA_BOOTSTRAP_SERVERS",
    "DATABASE_URL",
    "DATABASE_ADMIN_URL",
    "REDIS_URL",
    "SANDBOX_URL",
    "ADMIN_TOKEN",
    "GATEWAY_METRICS_URL",
    "DISCOVERY_METRICS_URL",
    "ENRICHMENT_METRICS_URL",
    "SCORING_METRICS_URL",
    "LEAD_WRITER_METRICS_URL",
}
TEAM = "devstack-tests"
TEAM_ID = team_id_for(TEAM)
CONSUMED = "leadgen_messages_consumed_total"


# ---------------------------------------------------------------- helpers
def metrics_url(stack: dict[str, str], service: str) -> str:
    return stack[f"{service.replace('-', '_').upper()}_METRICS_URL"]


def service_origin(stack: dict[str, str], service: str) -> str:
    url = urlsplit(metrics_url(stack, service))
    return f"{url.scheme}://{url.netloc}"


async def consumed(stack: dict[str, str], service: str) -> dict[tuple[str, str, str], float]:
    """(topic, group, outcome) -> messages the service took off the broker."""
    async with httpx.AsyncClient(timeout=5) as client:
        text = (await client.get(metrics_url(stack, service))).text
    return {
        (sample.labels["topic"], sample.labels["group"], sample.labels["outcome"]): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == CONSUMED
    }


async def taken(stack: dict[str, str], pairs: list[tuple[str, str, str]]) -> dict:
    """(topic, service, group) -> messages taken, whatever the outcome."""
    by_service = {svc: await consumed(stack, svc) for svc in {svc for _, svc, _ in pairs}}
    return {
        (topic, svc, grp): sum(
            n for (t, g, _), n in by_service[svc].items() if (t, g) == (topic, grp)
        )
        for topic, svc, grp in pairs
    }


async def eventually(
    check: Callable[[], Awaitable[bool]], what: str | Callable[[], str], within_s: float = 60.0
) -> None:
    deadline = time.monotonic() + within_s
    while not await check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {within_s:.0f} s: {what() if callable(what) else what}")
        await asyncio.sleep(0.2)


async def publish(bootstrap: str, topic: str, value: bytes, key: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


# ---------------------------------------------------------------- readiness and keys
async def test_every_server_is_ready(stack: dict[str, str]) -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        for service in SERVICES:
            origin = service_origin(stack, service.name)
            for path in ("/healthz", "/readyz"):
                response = await client.get(origin + path)
                assert response.status_code == 200, (service.name, path, response.text)
        assert (await client.get(f"{stack['SANDBOX_URL']}/healthz")).status_code == 200


def test_stack_env_has_every_design_key(stack: dict[str, str]) -> None:
    assert DESIGN_KEYS <= set(stack)
    assert "JWT_SECRET" not in stack
    gateway = urlsplit(stack["GATEWAY_URL"])
    assert gateway.scheme == "http" and gateway.path == "" and gateway.port
    assert stack["GATEWAY_METRICS_URL"] == f"{stack['GATEWAY_URL']}/metrics"


def test_state_files_are_private(stack_home: Path, stack: dict[str, str]) -> None:
    assert (stack_home / "secrets").stat().st_mode & 0o777 == 0o600
    assert "JWT_SECRET" in read_env(stack_home / "secrets")


async def test_kafka_has_every_topic_with_partitions(stack: dict[str, str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=stack["KAFKA_BOOTSTRAP_SERVERS"])
    await admin.start()
    try:
        topics = set(await admin.list_topics())
        described = await admin.describe_topics(all_topic_names())
    finally:
        await admin.close()
    assert set(all_topic_names()) <= topics
    partitions = {t["topic"]: len(t["partitions"]) for t in described}
    assert set(partitions.values()) == {4}, partitions


async def test_database_urls_connect_as_their_roles(stack: dict[str, str]) -> None:
    app = await asyncpg.connect(stack["DATABASE_URL"])
    try:
        assert await app.fetchval("SELECT current_user") == "leadgen_app"
        tables = await app.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        assert tables, "the migrations created no table"
        table = tables[0]["tablename"]
        await app.fetchval(f'SELECT count(*) FROM "{table}"')  # reads every table...
        with pytest.raises(asyncpg.InsufficientPrivilegeError):  # ...and writes none
            await app.execute(f'DELETE FROM "{table}"')
    finally:
        await app.close()

    with psycopg.connect(stack["DATABASE_ADMIN_URL"]) as admin:
        row = admin.execute(
            "SELECT current_user, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        assert row == ("leadgen_owner", True)
        assert admin.execute("SELECT extname FROM pg_extension WHERE extname = 'vector'").fetchone()
        assert admin.execute("SELECT version_num FROM alembic_version").fetchone()


async def test_redis_answers(stack: dict[str, str]) -> None:
    client = redis.from_url(stack["REDIS_URL"])
    try:
        assert await client.ping()
    finally:
        await client.aclose()


def test_admin_token_and_cli_tokens_verify(
    stack: dict[str, str], stack_home: Path, leadgen_cli: Callable[..., Any]
) -> None:
    secret = read_env(stack_home / "secrets")["JWT_SECRET"]
    settings = ServiceSettings(jwt_secret=secret)
    admin = verify_token(settings, stack["ADMIN_TOKEN"])
    assert (admin.team_name, admin.role) == ("demo", Role.ADMIN)

    minted = leadgen_cli(stack_home, "token", "--team", "acme", "--role", "viewer", timeout=60)
    assert minted.returncode == 0, minted.stderr
    viewer = verify_token(settings, minted.stdout.strip())
    assert (viewer.team_id, viewer.role) == (team_id_for("acme"), Role.VIEWER)

    refused = leadgen_cli(stack_home, "token", "--team", "acme", "--role", "owner", timeout=60)
    assert refused.returncode != 0 and "invalid choice" in refused.stderr


def test_status_lists_every_process_alive_and_ready(
    stack: dict[str, str], stack_home: Path, leadgen_cli: Callable[..., Any]
) -> None:
    result = leadgen_cli(stack_home, "status", timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[2:]}
    for name in (
        "supervisor",
        "tansu",
        "postgres",
        "valkey",
        "sandbox",
        *(s.name for s in SERVICES),
    ):
        assert rows[name][2:4] == ["yes", "yes"], result.stdout


# ---------------------------------------------------------------- the real broker
@pytest.fixture(scope="module")
def consumers(stack: dict[str, str]) -> dict[str, set[tuple[str, str]]]:
    table: dict[str, set[tuple[str, str]]] = {}
    # One-at-a-time subscribers only, as this module always had: the batch ones are left out.
    for topic, service, group in subscriptions(stack, SERVICES, batch=False):
        table.setdefault(topic, set()).add((service, group))
    consuming = {service for pairs in table.values() for service, _ in pairs}
    assert consuming >= {"discovery", "enrichment", "scoring", "lead-writer"}, table
    return table


async def test_a_message_reaches_every_consumer_of_its_topic(
    stack: dict[str, str], consumers: dict[str, set[tuple[str, str]]]
) -> None:
    """One valid event per consumed topic; every subscribed service must take it off the
    real broker. Any outcome counts as "reached": the event is valid by construction (it
    round-trips through the consumers' own decoder), so a dead letter here would be the
    handler's business decision about an event with no campaign behind it."""
    pairs = [(topic, svc, grp) for topic in sorted(consumers) for svc, grp in consumers[topic]]
    before = await taken(stack, pairs)
    for topic in sorted(consumers):
        envelope = envelope_for(
            sample_payload(topic, TEAM_ID, "devstack-test"),
            team_id=TEAM_ID,
            correlation_id="devstack-test",
        )
        assert decode(topic, encode(envelope)) == envelope
        await publish(
            stack["KAFKA_BOOTSTRAP_SERVERS"], topic, encode(envelope), message_key(envelope)
        )
    lost: list[tuple[str, str, str]] = []

    async def all_taken() -> bool:
        now = await taken(stack, pairs)
        lost[:] = [pair for pair in pairs if now[pair] <= before[pair]]
        return not lost

    await eventually(all_taken, lambda: f"never consumed (topic, service, group): {lost}")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\x00 this is not json", "not_json"),
        (b'{"event_type": "%s", "schema_version": 99}', "unknown_schema_version"),
    ],
)
async def test_poison_lands_in_the_dlq_with_its_reason_and_can_be_replayed(
    stack: dict[str, str],
    stack_home: Path,
    leadgen_cli: Callable[..., Any],
    consumers: dict[str, set[tuple[str, str]]],
    body: bytes,
    reason: str,
) -> None:
    topic = min(consumers, key=lambda t: (len(consumers[t]), t))  # fewest consumers
    services = {svc for svc, _ in consumers[topic]}
    key = f"poison-{uuid.uuid4()}".encode()
    if b"%s" in body:
        body = body.replace(b"%s", topic.encode())
    bootstrap = stack["KAFKA_BOOTSTRAP_SERVERS"]
    await publish(bootstrap, topic, body, key)

    async def ours() -> list:
        return [r for r in await read_all(bootstrap, f"{topic}.dlq") if r.key == key]

    async def one_per_consumer() -> bool:
        return len(await ours()) >= len(services)

    await eventually(one_per_consumer, f"poison on {topic} never reached {topic}.dlq")
    letters = await ours()
    for letter in letters:
        headers = {k: v.decode() for k, v in letter.headers}
        assert headers["x-dlq-reason"] == reason
        assert headers["x-original-topic"] == topic
        assert letter.value == body
    assert {dict(r.headers)["x-dlq-service"].decode() for r in letters} == services

    listed = leadgen_cli(stack_home, "dlq", "list", topic, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert key.decode() in listed.stdout and f"x-dlq-reason: {reason}" in listed.stdout

    replayed = leadgen_cli(stack_home, "dlq", "replay", topic, timeout=60)
    assert replayed.returncode == 0, replayed.stderr
    assert "replayed" in replayed.stdout

    async def dead_lettered_again() -> bool:  # still poison: back in the DLQ once more
        return len(await ours()) >= 2 * len(services)

    await eventually(dead_lettered_again, f"replayed poison on {topic} was not consumed")


# ---------------------------------------------------------------- processes
def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def test_pid_files_hold_the_real_process_pids(stack: dict[str, str], stack_home: Path) -> None:
    run = stack_home / "run"
    pid = {p.stem: int(p.read_text()) for p in run.glob("*.pid")}
    for service in SERVICES:
        assert f"-m {service.module}" in _cmdline(pid[service.name]), service.name
    assert "leadgen_devstack.supervisor" in _cmdline(pid["supervisor"])
    assert "-m leadgen_devstack.sandbox" in _cmdline(pid["sandbox"])
    assert "broker" in _cmdline(pid["tansu"])
    assert f"-D {stack_home / 'pg'}" in _cmdline(pid["postgres"])  # the postmaster itself
    assert psutil.Process(pid["valkey"]).name().startswith("valkey-server")
    supervisor = psutil.Process(pid["supervisor"])
    children = {c.pid for c in supervisor.children()}
    assert {pid[n] for n in pid if n != "supervisor"} <= children


async def test_a_killed_service_is_restarted_and_ready_again(
    stack: dict[str, str], stack_home: Path
) -> None:
    pid_file = stack_home / "run" / "scoring.pid"
    old = int(pid_file.read_text())
    os.kill(old, signal.SIGKILL)

    async def replaced() -> bool:
        new = int(pid_file.read_text())
        return new != old and psutil.pid_exists(new) and "-m leadgen_scoring" in _cmdline(new)

    await eventually(replaced, "scoring was not restarted", within_s=15)
    log = (stack_home / "logs" / "supervisor.log").read_text()
    assert "restarted scoring (exit code -9)" in log

    async def ready() -> bool:
        async with httpx.AsyncClient(timeout=2) as client:
            try:
                response = await client.get(f"{service_origin(stack, 'scoring')}/readyz")
            except httpx.HTTPError:
                return False
            return response.status_code == 200

    await eventually(ready, "restarted scoring never became ready", within_s=90)

"""The migrations against a real Postgres 18 + pgvector: schema, roles, grants, vectors."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from leadgen_common.db.engine import libpq_url, make_engine
from leadgen_common.db.migrate import (
    alembic_config,
    downgrade,
    main,
    upgrade,
    upgrade_async,
)
from leadgen_common.db.roles import ALL_ROLES, APP_ROLE, SERVICE_ROLES, set_role_passwords
from leadgen_common.db.schema import metadata, prospect_vectors
from leadgen_common.db.types import EMBEDDING_DIM
from sqlalchemy import CheckConstraint, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
#: Not per tenant: the tenant itself, and lead-writer's delivery bookkeeping.
NON_TENANT_TABLES = {"teams", "outbox", "processed_events"}

#: One INSERT per service into a table it owns; the two serial tables need sequence usage.
#: The gateway writes only rows of the team its transaction is scoped to (revision 0008).
OWN_INSERT: dict[str, str] = {
    "gateway": "INSERT INTO audit_log (team_id, principal, action, resource_type) "
    "VALUES (current_setting('leadgen.team_id', true)::uuid, 'alice', 'icp.create', 'icp')",
    "lead-writer": "INSERT INTO outbox (event_id, topic, payload) "
    "VALUES (gen_random_uuid(), 'lead.created', '{}')",
    "discovery": "INSERT INTO discovery_cursors (campaign_id, platform, team_id, status) "
    "VALUES (gen_random_uuid(), 'linkedin', gen_random_uuid(), 'running')",
    "enrichment": "INSERT INTO enrichment_jobs (team_id, prospect_ids, total, status) "
    "VALUES (gen_random_uuid(), ARRAY[gen_random_uuid()], 1, 'running')",
    "scoring": "INSERT INTO prospect_vectors (prospect_id, team_id, model, embedding) "
    "VALUES (gen_random_uuid(), gen_random_uuid(), 'm', "
    f"array_fill(0.5::real, ARRAY[{EMBEDDING_DIM}])::vector)",
    "webhooks": "INSERT INTO webhook_endpoint_states (endpoint_id, team_id) "
    "VALUES (gen_random_uuid(), gen_random_uuid())",
}


def _as(url: str, role: str) -> str:
    return make_url(url).set(username=role).render_as_string(hide_password=False)


@asynccontextmanager
async def _connect(url: str, role: str | None = None) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(libpq_url(_as(url, role) if role else url))
    try:
        yield conn
    finally:
        await conn.close()


async def _catalog_snapshot(url: str) -> list[tuple[Any, ...]]:
    """Row versions of every relation and of alembic_version: any DDL or GRANT moves them."""
    async with _connect(url) as conn:
        rows = await conn.fetch(
            "SELECT relname, xmin::text, relacl::text FROM pg_class "
            "WHERE relnamespace = 'public'::regnamespace "
            "UNION ALL SELECT version_num, xmin::text, '' FROM alembic_version ORDER BY 1"
        )
    return [tuple(r) for r in rows]


async def _version(url: str) -> list[str]:
    async with _connect(url) as conn:
        return [r[0] for r in await conn.fetch("SELECT version_num FROM alembic_version")]


async def _public_tables(url: str) -> set[str]:
    async with _connect(url) as conn:
        rows = await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
    return {r[0] for r in rows}


async def test_upgrade_on_empty_database_then_again_is_a_no_op(empty_db: str) -> None:
    await upgrade_async(empty_db)
    assert await _version(empty_db) == [HEAD]
    before = await _catalog_snapshot(empty_db)

    await upgrade_async(empty_db)

    assert await _catalog_snapshot(empty_db) == before


async def test_every_table_of_the_schema_exists(migrated_db: str) -> None:
    assert await _public_tables(migrated_db) == set(metadata.tables) | {"alembic_version"}


async def test_migration_and_schema_agree(migrated_db: str) -> None:
    engine = make_engine(migrated_db, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"compare_type": True}), metadata
                )
            )
    finally:
        await engine.dispose()
    assert diff == []


async def test_check_constraints_agree(migrated_db: str) -> None:
    """Autogenerate does not compare CHECKs: same names, and every allowed value present."""
    async with _connect(migrated_db) as conn:
        rows = await conn.fetch(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'c' AND connamespace = 'public'::regnamespace"
        )
    in_db = dict(rows)
    expected = {
        c.name: str(c.sqltext)
        for table in metadata.tables.values()
        for c in table.constraints
        if isinstance(c, CheckConstraint)
    }
    assert set(in_db) == set(expected)
    for name, sqltext in expected.items():
        if "IN (" in sqltext:
            allowed = sqltext.split("IN (", 1)[1].rstrip(")").split(", ")
        else:  # e.g. a pattern: its quoted literals
            allowed = re.findall(r"'[^']*'", sqltext)
        for literal in allowed:
            assert literal in in_db[name], (name, literal)


def test_every_table_has_one_owning_service() -> None:
    for table in metadata.tables.values():
        assert table.info.get("owner") in SERVICE_ROLES, table.name


def test_roles_created_by_the_migration_are_the_roles_of_roles_py() -> None:
    """0001 made the first five; 0011 added the webhooks service's."""
    scripts = ScriptDirectory.from_config(alembic_config())
    first, webhooks = (scripts.get_revision(r).module for r in ("0001", "0011"))
    assert {**first.ROLES, **webhooks.ADDED_ROLES} == SERVICE_ROLES
    assert first.APP_ROLE == APP_ROLE


async def test_tenant_tables_have_an_indexed_not_null_team_id(migrated_db: str) -> None:
    async with _connect(migrated_db) as conn:
        leading = {
            r[0]
            for r in await conn.fetch(
                "SELECT DISTINCT i.indrelid::regclass::text FROM pg_index i "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
                "WHERE a.attname = 'team_id'"
            )
        }
        not_null = {
            r[0]
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND column_name = 'team_id' AND is_nullable = 'NO' AND data_type = 'uuid'"
            )
        }
    tenant_tables = set(metadata.tables) - NON_TENANT_TABLES
    assert not_null == tenant_tables
    assert leading == tenant_tables


async def test_privileges_follow_table_owners(migrated_db: str) -> None:
    async with _connect(migrated_db) as conn:
        rows = await conn.fetch(
            "SELECT r.rolname, t.tablename, "
            "has_table_privilege(r.rolname, t.tablename, 'SELECT'), "
            "has_table_privilege(r.rolname, t.tablename, 'INSERT, UPDATE, DELETE'), "
            "has_table_privilege(r.rolname, t.tablename, 'TRUNCATE') "
            "FROM pg_roles r CROSS JOIN pg_tables t "
            "WHERE t.schemaname = 'public' AND t.tablename <> 'alembic_version' "
            "AND r.rolname = ANY($1::text[])",
            list(ALL_ROLES),
        )
    assert len(rows) == len(ALL_ROLES) * len(metadata.tables)
    for role, table, can_read, can_write, can_truncate in rows:
        writer = SERVICE_ROLES[metadata.tables[table].info["owner"]]
        assert can_read, (role, table)
        assert can_write == (role == writer), (role, table)
        assert not can_truncate, (role, table)


@pytest.mark.parametrize("service", sorted(SERVICE_ROLES))
async def test_service_role_writes_its_own_tables_only(migrated_db: str, service: str) -> None:
    async with _connect(migrated_db, SERVICE_ROLES[service]) as conn:
        tx = conn.transaction()
        await tx.start()
        await conn.execute("SELECT set_config('leadgen.team_id', gen_random_uuid()::text, true)")
        await conn.execute(OWN_INSERT[service])
        await tx.rollback()
        for other, statement in OWN_INSERT.items():
            if other == service:
                continue
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                await conn.execute(statement)


async def test_app_role_reads_everything_and_writes_nothing(migrated_db: str) -> None:
    async with _connect(migrated_db, APP_ROLE) as conn:
        for table in metadata.tables:
            await conn.fetch(f"SELECT * FROM {table} LIMIT 1")
        for statement in OWN_INSERT.values():
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                await conn.execute(statement)
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("CREATE TABLE sneaky (id int)")


async def test_vectors_round_trip_and_order_by_cosine_distance(migrated_db: str) -> None:
    def unit(*head: float) -> list[float]:
        return [*head, *([0.0] * (EMBEDDING_DIM - len(head)))]

    team = uuid.uuid4()
    rows = {
        "same": unit(1.0, 0.0),
        "close": unit(0.9, 0.1),
        "orthogonal": unit(0.0, 1.0),
    }
    ids = {name: uuid.uuid4() for name in rows}
    engine = make_engine(_as(migrated_db, SERVICE_ROLES["scoring"]), poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                insert(prospect_vectors),
                [
                    {"prospect_id": ids[n], "team_id": team, "model": "t", "embedding": v}
                    for n, v in rows.items()
                ],
            )
            distance = prospect_vectors.c.embedding.cosine_distance(unit(1.0, 0.0))
            result = await conn.execute(
                select(prospect_vectors.c.prospect_id, prospect_vectors.c.embedding, distance)
                .where(prospect_vectors.c.team_id == team)
                .order_by(distance)
            )
            found = result.all()
    finally:
        await engine.dispose()
    by_id = {v: k for k, v in ids.items()}
    assert [by_id[r.prospect_id] for r in found] == ["same", "close", "orthogonal"]
    assert found[0].embedding == rows["same"]
    assert found[0][2] == pytest.approx(0.0) and found[2][2] == pytest.approx(1.0)


async def test_set_role_passwords_sets_scram_passwords(migrated_db: str) -> None:
    await set_role_passwords(
        migrated_db, {"gateway": "it's a $1 secret", "leadgen_app": "reader-pw"}
    )
    async with _connect(migrated_db) as conn:
        stored = dict(
            await conn.fetch(
                "SELECT rolname, rolpassword FROM pg_authid "
                "WHERE rolname IN ('leadgen_gateway', 'leadgen_app') AND rolcanlogin"
            )
        )
    assert set(stored) == {"leadgen_gateway", "leadgen_app"}
    assert all(p.startswith("SCRAM-SHA-256$") for p in stored.values())
    with pytest.raises(ValueError, match="unknown leadgen role"):
        await set_role_passwords(migrated_db, {"postgres": "x"})


async def test_downgrade_to_base_then_upgrade_again(empty_db: str) -> None:
    await asyncio.to_thread(upgrade, empty_db)
    await asyncio.to_thread(downgrade, empty_db, "base")
    assert await _public_tables(empty_db) == {"alembic_version"}
    await asyncio.to_thread(upgrade, empty_db)
    assert await _public_tables(empty_db) == set(metadata.tables) | {"alembic_version"}


async def test_concurrent_upgrades_in_one_process_take_turns(empty_db: str) -> None:
    await asyncio.gather(upgrade_async(empty_db), upgrade_async(empty_db))
    assert await _version(empty_db) == [HEAD]


async def test_sync_upgrade_works_inside_a_running_event_loop(migrated_db: str) -> None:
    upgrade(migrated_db)  # the dev stack may call it from async code
    assert await _version(migrated_db) == [HEAD]


def _cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "leadgen_common.db.migrate", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def test_two_replicas_migrating_at_once_both_succeed(empty_db: str) -> None:
    """Two processes (replicas starting together) on one empty database: the advisory
    lock makes one wait, then find the database at head."""
    procs = [_cli(empty_db), _cli(empty_db)]
    for proc in procs:
        _, err = await asyncio.to_thread(proc.communicate, timeout=120)
        assert proc.returncode == 0, err
    assert await _version(empty_db) == [HEAD]


def test_command_line_without_url_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().err

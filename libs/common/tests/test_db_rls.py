"""Row-level security (revision 0008) against a real Postgres: every tenant table has forced
RLS and the right policies (read from the catalogue), and the roles see and write what
those policies promise, with a row of two teams in every tenant table."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from alembic.script import ScriptDirectory
from leadgen_common.db.engine import libpq_url, make_engine
from leadgen_common.db.migrate import alembic_config, upgrade_async
from leadgen_common.db.roles import ALL_ROLES, APP_ROLE, SERVICE_ROLES
from leadgen_common.db.schema import metadata
from leadgen_common.db.tenancy import (
    OWNER_POLICY,
    PIPELINE_POLICY,
    TENANT_POLICY,
    set_team,
    tenant_tables,
)
from leadgen_common.db.types import EMBEDDING_DIM, Vector
from leadgen_common.testing import ADMIN_USER, PgCluster
from leadgen_common.testing.fixtures import MigratedUrls
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    Integer,
    Numeric,
    Table,
    Text,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

TENANTS = tenant_tables(metadata)
GATEWAY_ROLE = SERVICE_ROLES["gateway"]
#: Scoped to the transaction's team.
TENANT_ROLES = {GATEWAY_ROLE, APP_ROLE}
#: Every team's rows.
PIPELINE_ROLES = {role for role in ALL_ROLES if role not in TENANT_ROLES}
GATEWAY_TABLES = sorted(
    name for name in TENANTS if metadata.tables[name].info["owner"] == "gateway"
)


def _as(url: str, role: str) -> str:
    return make_url(url).set(username=role).render_as_string(hide_password=False)


@asynccontextmanager
async def _connect(url: str, role: str | None = None) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(libpq_url(_as(url, role) if role else url))
    try:
        yield conn
    finally:
        await conn.close()


async def _scoped(conn: asyncpg.Connection, team: uuid.UUID) -> None:
    """What the gateway does first in each transaction (Database.transaction / set_team)."""
    await conn.execute("SELECT set_config('leadgen.team_id', $1::uuid::text, true)", str(team))


# --- the catalogue -----------------------------------------------------------------------


def test_revision_0008_lists_the_tenant_tables_of_schema_py() -> None:
    """0008's frozen list names each table by the column schema.py holds its team in; a
    table that is a tenant table in schema.py but not in the list must have come later (the
    catalogue test below then finds whether its own revision enabled RLS)."""
    module = ScriptDirectory.from_config(alembic_config()).get_revision("0008").module
    assert {t: TENANTS.get(t) for t in module.TENANT_TABLES} == module.TENANT_TABLES
    assert set(module.TENANT_ROLES) == TENANT_ROLES
    # revision 0011 added the webhooks service's role to every pipeline policy
    later = ScriptDirectory.from_config(alembic_config()).get_revision("0011").module
    assert set(module.PIPELINE_ROLES) | set(later.ADDED_ROLES.values()) == PIPELINE_ROLES


async def test_revision_0008_covers_every_tenant_table_existing_at_0008(empty_db: str) -> None:
    module = ScriptDirectory.from_config(alembic_config()).get_revision("0008").module
    await upgrade_async(empty_db, "0008")
    async with _connect(empty_db) as conn:
        with_team_id = {
            r[0]
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND column_name = 'team_id'"
            )
        }
    assert set(module.TENANT_TABLES) == with_team_id | {"teams"}


async def test_every_tenant_table_has_forced_rls_and_its_policies(migrated_db: str) -> None:
    """Fails for any table with a team_id column (in the database at head, whoever added
    it) that lacks ENABLE or FORCE ROW LEVEL SECURITY or the policies."""
    async with _connect(migrated_db) as conn:
        in_db = {
            r["relname"]: r
            for r in await conn.fetch(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
                "pg_get_userbyid(c.relowner) AS owner "
                "FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
                "AND c.relkind IN ('r', 'p') "
                "AND (c.relname = 'teams' OR EXISTS (SELECT FROM pg_attribute a "
                "WHERE a.attrelid = c.oid AND a.attname = 'team_id' AND NOT a.attisdropped))"
            )
        }
        policies = await conn.fetch(
            "SELECT tablename, policyname, permissive, roles::text[] AS roles, cmd, qual, "
            "with_check FROM pg_policies WHERE schemaname = 'public'"
        )
        roles = {
            r["rolname"]: r
            for r in await conn.fetch(
                "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles "
                "WHERE rolname = ANY($1::text[])",
                list(ALL_ROLES),
            )
        }
    assert set(in_db) == set(TENANTS), "schema.py's tenant tables are the database's"
    for name, row in in_db.items():
        assert row["relrowsecurity"], f"{name}: row level security is not enabled"
        assert row["relforcerowsecurity"], f"{name}: row level security is not forced"
        assert row["owner"] not in ALL_ROLES, f"{name} is owned by a service role"

    by_table: dict[str, dict[str, Any]] = {}
    for p in policies:
        by_table.setdefault(p["tablename"], {})[p["policyname"]] = p
    team = re.compile(r"current_setting\('leadgen\.team_id'(::text)?, true\)")
    for name, column in TENANTS.items():
        mine = by_table.get(name, {})
        assert TENANT_POLICY in mine, f"{name} has no {TENANT_POLICY} policy"
        isolation = mine[TENANT_POLICY]
        assert set(isolation["roles"]) == TENANT_ROLES, name
        assert isolation["permissive"] == "PERMISSIVE" and isolation["cmd"] == "ALL", name
        for clause in (isolation["qual"], isolation["with_check"]):
            assert clause is not None and team.search(clause), (name, clause)
            assert clause.lstrip("(").startswith(f"{column} = "), (name, clause)
        # Policies are OR-ed: no other one may open a tenant role (or PUBLIC) wider.
        for other in mine.values():
            if other["policyname"] != TENANT_POLICY:
                assert not set(other["roles"]) & (TENANT_ROLES | {"public"}), (name, other)
        assert set(mine[PIPELINE_POLICY]["roles"]) == PIPELINE_ROLES, name
        assert OWNER_POLICY in mine, name
        covered = {role for p in mine.values() for role in p["roles"]}
        assert set(ALL_ROLES) <= covered, f"{name}: a role without a policy sees nothing"
    for role in ALL_ROLES:
        assert not roles[role]["rolsuper"] and not roles[role]["rolbypassrls"], role


# --- behaviour: one row of two teams in every tenant table --------------------------------


def _allowed(table: Table, column: str) -> str | None:
    """The first value of a ``column IN (...)`` check, if the column has one."""
    for constraint in table.constraints:
        if isinstance(constraint, CheckConstraint):
            sql = str(constraint.sqltext)
            if sql.startswith(f"{column} IN ("):
                return re.findall(r"'([^']*)'", sql)[0]
    return None


def _value(table: Table, column: Column[Any]) -> Any:
    kind = column.type
    if isinstance(kind, Text):
        return _allowed(table, column.name) or uuid.uuid4().hex * 2  # also a sha256 shape
    if isinstance(kind, UUID):
        return uuid.uuid4()
    if isinstance(kind, ARRAY):
        return [uuid.uuid4()] if isinstance(kind.item_type, UUID) else ["linkedin"]
    if isinstance(kind, (Integer, BigInteger)):
        return 1
    if isinstance(kind, (Float, Numeric)):
        return 0.5
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, JSONB):
        return {}
    if isinstance(kind, DateTime):
        return datetime.now(UTC)
    if isinstance(kind, Vector):
        return [0.5] * EMBEDDING_DIM
    raise AssertionError(f"no test value for {table.name}.{column.name} ({kind!r})")


def _row(table: Table, team: uuid.UUID, parents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Every column a row needs (and the keys), the team's own parents for foreign keys."""
    row: dict[str, Any] = {}
    for column in table.columns:
        if column.name == TENANTS[table.name]:
            row[column.name] = team
        elif column.foreign_keys:
            (fk,) = column.foreign_keys
            row[column.name] = parents[fk.column.table.name][fk.column.name]
        elif column.primary_key and column.autoincrement is True:
            continue  # serial
        elif column.nullable or column.server_default is not None:
            if not column.primary_key:
                continue
            row[column.name] = _value(table, column)
        else:
            row[column.name] = _value(table, column)
    if table.name == "teams":
        row["name"] = f"team-{team}"
    return row


async def _seed(admin_url: str, teams: list[uuid.UUID]) -> None:
    engine = make_engine(admin_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            for team in teams:
                parents: dict[str, dict[str, Any]] = {}
                for table in metadata.sorted_tables:
                    if table.name in TENANTS:
                        parents[table.name] = _row(table, team, parents)
                        await conn.execute(table.insert().values(**parents[table.name]))
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
async def two_teams(migrated_urls: MigratedUrls) -> tuple[str, uuid.UUID, uuid.UUID]:
    """(admin URL, team A, team B) of a database with a row of each team per tenant table."""
    url = (await migrated_urls())["admin"]
    a, b = uuid.uuid4(), uuid.uuid4()
    await _seed(url, [a, b])
    return url, a, b


async def _teams_seen(conn: asyncpg.Connection) -> dict[str, list[uuid.UUID]]:
    return {
        name: sorted(r[0] for r in await conn.fetch(f"SELECT {column} FROM {name}"))
        for name, column in TENANTS.items()
    }


@pytest.mark.parametrize("role", sorted(TENANT_ROLES))
async def test_tenant_roles_see_nothing_without_a_team(
    two_teams: tuple[str, uuid.UUID, uuid.UUID], role: str
) -> None:
    url, _, _ = two_teams
    async with _connect(url, role) as conn:
        assert await _teams_seen(conn) == {name: [] for name in TENANTS}
        async with conn.transaction():  # an empty setting is no team, not an error
            await conn.execute("SELECT set_config('leadgen.team_id', '', true)")
            assert await _teams_seen(conn) == {name: [] for name in TENANTS}


@pytest.mark.parametrize("role", sorted(TENANT_ROLES))
async def test_tenant_roles_see_only_the_team_set(
    two_teams: tuple[str, uuid.UUID, uuid.UUID], role: str
) -> None:
    url, a, b = two_teams
    async with _connect(url, role) as conn:
        for team in (a, b):
            async with conn.transaction():
                await _scoped(conn, team)
                assert await _teams_seen(conn) == {name: [team] for name in TENANTS}


async def test_a_team_set_in_one_transaction_is_gone_in_the_next(
    two_teams: tuple[str, uuid.UUID, uuid.UUID],
) -> None:
    """A pooled connection never carries one request's team into the next."""
    url, a, _ = two_teams
    engine = make_engine(_as(url, GATEWAY_ROLE), pool_size=1, max_overflow=0)
    try:
        async with engine.begin() as conn:
            await set_team(conn, a)
            assert (await conn.execute(select(metadata.tables["icps"].c.team_id))).all()
        async with engine.begin() as conn:  # the same pooled connection
            assert (await conn.execute(text("SELECT count(*) FROM icps"))).scalar() == 0
            setting = "SELECT current_setting('leadgen.team_id', true)"
            assert (await conn.execute(text(setting))).scalar() in (None, "")
    finally:
        await engine.dispose()


async def test_set_team_takes_a_uuid_only(two_teams: tuple[str, uuid.UUID, uuid.UUID]) -> None:
    url, a, _ = two_teams
    engine = make_engine(_as(url, GATEWAY_ROLE), poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            with pytest.raises(TypeError):
                await set_team(conn, f"{a}' OR true --")  # type: ignore[arg-type]
    finally:
        await engine.dispose()


@pytest.mark.parametrize("table", GATEWAY_TABLES)
async def test_gateway_cannot_change_another_teams_rows(
    two_teams: tuple[str, uuid.UUID, uuid.UUID], table: str
) -> None:
    """Scoped to team A, the gateway's UPDATE and DELETE of team B's rows affect nothing,
    and an INSERT of a team B row or moving its own row to team B is refused."""
    url, a, b = two_teams
    column = TENANTS[table]
    async with _connect(url, GATEWAY_ROLE) as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            await _scoped(conn, a)
            same = f"UPDATE {table} SET {column} = {column} WHERE {column} = $1"
            assert await conn.execute(same, b) == "UPDATE 0"
            assert await conn.execute(same, a) == "UPDATE 1"  # its own row: as usual
            assert await conn.execute(f"DELETE FROM {table} WHERE {column} = $1", b) == "DELETE 0"
            await conn.execute(_insert_sql(table), a)  # a row of its own team goes in
        finally:
            await tx.rollback()
        for statement, args in (
            (f"UPDATE {table} SET {column} = $2 WHERE {column} = $1", (a, b)),
            (_insert_sql(table), (b,)),
        ):
            async with conn.transaction():
                await _scoped(conn, a)
                with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
                    await conn.execute(statement, *args)
    async with _connect(url) as admin:
        assert await admin.fetchval(f"SELECT count(*) FROM {table} WHERE {column} = $1", b) == 1


def _insert_sql(table: str) -> str:
    """An INSERT of a new row of the team in $1 (the gateway's tables)."""
    return {
        # (the team's own row exists: a conflict is still checked against the policy first)
        "teams": "INSERT INTO teams (id, name) VALUES ($1, 'x-' || gen_random_uuid()) "
        "ON CONFLICT DO NOTHING",
        "principals": "INSERT INTO principals (team_id, subject, role) "
        "VALUES ($1, gen_random_uuid()::text, 'viewer')",
        "icps": "INSERT INTO icps (team_id, name, definition) VALUES ($1, 'icp', '{}')",
        "campaigns": "INSERT INTO campaigns (team_id, icp_id, name, platforms, created_by) "
        "SELECT $1, id, 'c', ARRAY['linkedin'], 'x' FROM icps LIMIT 1",
        "audit_log": "INSERT INTO audit_log (team_id, principal, action, resource_type) "
        "VALUES ($1, 'alice', 'icp.create', 'icp')",
        "webhook_registrations": "INSERT INTO webhook_registrations (team_id, url, secret) "
        "VALUES ($1, 'https://example.com/hook', 'enc:v1:x')",
    }[table]


@pytest.mark.parametrize("role", sorted(PIPELINE_ROLES))
async def test_pipeline_roles_see_every_team(
    two_teams: tuple[str, uuid.UUID, uuid.UUID], role: str
) -> None:
    url, a, b = two_teams
    async with _connect(url, role) as conn:
        seen = await _teams_seen(conn)
    assert seen == {name: sorted([a, b]) for name in TENANTS}


async def test_an_owner_without_bypassrls_migrates_and_sees_every_row(
    pg_cluster: PgCluster,
) -> None:
    """FORCE puts the tables' owner under the policies: an owner role that is neither a
    superuser nor BYPASSRLS (a managed Postgres) still migrates and reads every team."""
    owner = "leadgen_plain_owner"
    name = f"plain_owner_{uuid.uuid4().hex[:8]}"
    async with _connect(pg_cluster.url("postgres")) as su:
        if not await su.fetchval("SELECT true FROM pg_roles WHERE rolname = $1", owner):
            await su.execute(f"CREATE ROLE {owner} LOGIN CREATEROLE NOBYPASSRLS NOSUPERUSER")
        await su.execute(f'CREATE DATABASE "{name}" OWNER {owner}')
    async with _connect(pg_cluster.url(name, ADMIN_USER)) as su:
        await su.execute("CREATE EXTENSION IF NOT EXISTS vector")  # not a trusted extension
    url = pg_cluster.url(name, owner)
    await upgrade_async(url)
    a, b = uuid.uuid4(), uuid.uuid4()
    await _seed(url, [a, b])
    async with _connect(url) as conn:
        assert (
            await conn.fetchval("SELECT rolbypassrls FROM pg_roles WHERE rolname = $1", owner)
            is False
        )
        assert await _teams_seen(conn) == {name: sorted([a, b]) for name in TENANTS}

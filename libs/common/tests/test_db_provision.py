"""The migration job of compose and Kubernetes (python -m leadgen_common.db.provision)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from leadgen_common.db.engine import libpq_url
from leadgen_common.db.provision import password_variable, provision, role_passwords
from leadgen_common.db.roles import ALL_ROLES


def test_each_role_has_a_password_variable() -> None:
    assert password_variable("leadgen_lead_writer") == "DB_PASSWORD_LEAD_WRITER"
    assert password_variable("leadgen_app") == "DB_PASSWORD_APP"
    assert len({password_variable(role) for role in ALL_ROLES}) == len(ALL_ROLES)


def test_only_roles_with_a_non_empty_variable_get_a_password() -> None:
    env = {"DB_PASSWORD_GATEWAY": "g", "DB_PASSWORD_SCORING": "", "UNRELATED": "x"}
    assert role_passwords(env) == {"leadgen_gateway": "g"}


def test_refuses_to_run_without_the_admin_url() -> None:
    with pytest.raises(SystemExit, match="DATABASE_ADMIN_URL"):
        provision({})


@pytest.fixture
async def empty_database(pg_cluster) -> str:
    return await pg_cluster.create_database("provision_job")


async def _fetch(url: str, sql: str, *args: object) -> object:
    conn = await asyncpg.connect(libpq_url(url))
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


def test_migrates_an_empty_database_and_sets_passwords(empty_database: str) -> None:
    env = {"DATABASE_ADMIN_URL": empty_database, "DB_PASSWORD_APP": "app-password-1"}
    assert provision(env) == ["leadgen_app"]
    assert provision(env) == ["leadgen_app"]  # a second run is a no-op upgrade
    version = asyncio.run(_fetch(empty_database, "SELECT version_num FROM alembic_version"))
    assert version
    has_password = asyncio.run(
        _fetch(
            empty_database,
            "SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = $1",
            "leadgen_app",
        )
    )
    assert has_password is True

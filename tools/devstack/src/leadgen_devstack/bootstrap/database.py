"""Create the ``leadgen`` database and its owner, migrate it, and give every role a password."""

from __future__ import annotations

import re

import asyncpg
from leadgen_common.db.migrate import upgrade_async
from leadgen_common.db.roles import ALL_ROLES, APP_ROLE, set_role_passwords

from ..ports import HOST
from ..servers.postgres import superuser_dsn

DATABASE = "leadgen"
#: Owns the database and every table; bypasses RLS (DATABASE_ADMIN_URL: operations, tests).
OWNER = "leadgen_owner"

_SAFE_SECRET = re.compile(r"^[A-Za-z0-9_-]{16,}$")


def role_url(role: str, password: str, port: int, *, driver: str = "postgresql") -> str:
    return f"{driver}://{role}:{password}@{HOST}:{port}/{DATABASE}"


async def create_database(port: int, superuser_password: str, owner_password: str) -> None:
    # DDL takes no parameters; the password is ours (token_urlsafe), checked to need no quoting.
    if not _SAFE_SECRET.match(owner_password):
        raise ValueError("owner password must be url-safe base64")
    conn = await asyncpg.connect(superuser_dsn(port, superuser_password))
    try:
        await conn.execute(
            f"CREATE ROLE {OWNER} LOGIN CREATEROLE BYPASSRLS PASSWORD '{owner_password}'"
        )
        await conn.execute(f"CREATE DATABASE {DATABASE} OWNER {OWNER}")
    finally:
        await conn.close()
    # pgvector is not a trusted extension: only a superuser may create it.
    conn = await asyncpg.connect(superuser_dsn(port, superuser_password, DATABASE))
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    finally:
        await conn.close()


async def migrate_and_set_passwords(admin_url: str, passwords: dict[str, str]) -> None:
    """Run the migrations (which create the roles), then set ``passwords`` (role -> pw)."""
    missing = set(ALL_ROLES) - set(passwords)
    if missing:
        raise ValueError(f"no password for roles {sorted(missing)}")
    await upgrade_async(admin_url)
    await set_role_passwords(admin_url, passwords)


__all__ = [
    "APP_ROLE",
    "DATABASE",
    "OWNER",
    "create_database",
    "migrate_and_set_passwords",
    "role_url",
]

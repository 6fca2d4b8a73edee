"""Create the ``leadgen`` database and its owner, migrate it, and give every role a password."""

from __future__ import annotations

import asyncio
import secrets
import time

import asyncpg
from leadgen_common.db.migrate import upgrade_async
from leadgen_common.db.roles import ALL_ROLES, APP_ROLE, SERVICE_ROLES, set_role_passwords

from ..ports import HOST
from ..servers.postgres import superuser_dsn
from ..servers.services import db_url_key

DATABASE = "leadgen"
#: Owns the database and every table; bypasses RLS (DATABASE_ADMIN_URL: operations, tests).
OWNER = "leadgen_owner"


def role_url(role: str, password: str, port: int) -> str:
    return f"postgresql://{role}:{password}@{HOST}:{port}/{DATABASE}"


async def setup_database(port: int, superuser_password: str) -> dict[str, str]:
    """Database, owner, extension, migrations, role passwords. Returns the URLs:
    DATABASE_ADMIN_URL (owner), DATABASE_URL (read-only app role) and one
    ``db_url_key(service)`` per service role."""
    passwords = {role: secrets.token_urlsafe(24) for role in (OWNER, *ALL_ROLES)}
    await _create_database(port, superuser_password, passwords[OWNER])
    admin_url = role_url(OWNER, passwords[OWNER], port)
    await upgrade_async(admin_url)  # creates the roles (without passwords)
    await set_role_passwords(admin_url, {role: passwords[role] for role in ALL_ROLES})
    urls = {
        "DATABASE_ADMIN_URL": admin_url,
        "DATABASE_URL": role_url(APP_ROLE, passwords[APP_ROLE], port),
    }
    for service, role in SERVICE_ROLES.items():
        urls[db_url_key(service)] = role_url(role, passwords[role], port)
    return urls


async def _connect_when_up(dsn: str, within_s: float = 30.0) -> asyncpg.Connection:
    """Bootstrap starts alongside postgres: wait for it to accept connections."""
    deadline = time.monotonic() + within_s
    while True:
        try:
            return await asyncpg.connect(dsn, timeout=2.0)
        except (OSError, asyncpg.CannotConnectNowError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


async def _create_database(port: int, superuser_password: str, owner_password: str) -> None:
    conn = await _connect_when_up(superuser_dsn(port, superuser_password))
    try:
        # DDL takes no parameters: let the server quote the literal.
        create = await conn.fetchval(
            "SELECT format('CREATE ROLE %I LOGIN CREATEROLE BYPASSRLS PASSWORD %L', $1::text,"
            " $2::text)",
            OWNER,
            owner_password,
        )
        await conn.execute(create)
        await conn.execute(f"CREATE DATABASE {DATABASE} OWNER {OWNER}")
    finally:
        await conn.close()
    # pgvector is not a trusted extension: only a superuser may create it.
    conn = await asyncpg.connect(superuser_dsn(port, superuser_password, DATABASE))
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    finally:
        await conn.close()

"""The Postgres roles: one login role per service, plus a read-only application role.

The migrations create the roles (without passwords) and grant each one write access to
the tables its service owns and read access to the rest. Passwords are an operator's or
the dev stack's business: ``set_role_passwords`` sets them.

Every tenant table has forced row-level security (revision 0008, ``tenancy``): the
gateway's role and ``leadgen_app`` see and write only the rows of the team their
transaction set (``leadgen.team_id``), none without one; the pipeline roles see every team.
"""

from __future__ import annotations

from collections.abc import Mapping

import asyncpg

from .engine import libpq_url
from .schema import DISCOVERY, ENRICHMENT, GATEWAY, LEAD_WRITER, SCORING, WEBHOOKS

#: service name (as in ``schema.py`` table owners) -> its login role.
SERVICE_ROLES: dict[str, str] = {
    GATEWAY: "leadgen_gateway",
    DISCOVERY: "leadgen_discovery",
    ENRICHMENT: "leadgen_enrichment",
    SCORING: "leadgen_scoring",
    LEAD_WRITER: "leadgen_lead_writer",
    WEBHOOKS: "leadgen_webhooks",  # revision 0011
}
#: Reads every table, writes none (DATABASE_URL of tools, consoles, reports); in tenant
#: tables only the rows of the team set with ``SET LOCAL leadgen.team_id``.
APP_ROLE = "leadgen_app"
ALL_ROLES: tuple[str, ...] = (*SERVICE_ROLES.values(), APP_ROLE)


def role_for(name: str) -> str:
    """A role name from a service name or a role name; refuses anything else."""
    role = SERVICE_ROLES.get(name, name)
    if role not in ALL_ROLES:
        raise ValueError(f"unknown leadgen role or service: {name!r}")
    return role


async def set_role_passwords(admin_url: str, passwords: Mapping[str, str]) -> None:
    """``ALTER ROLE ... PASSWORD`` for each entry; keys are service names or role names.

    Runs as the admin (owner) role. Postgres itself quotes the identifier and the
    literal (``format('%I', '%L')``), since utility statements take no parameters.
    """
    statements = [(role_for(name), password) for name, password in passwords.items()]
    conn = await asyncpg.connect(libpq_url(admin_url))
    try:
        async with conn.transaction():
            for role, password in statements:
                sql = await conn.fetchval(
                    "SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', $1::text, $2::text)",
                    role,
                    password,
                )
                await conn.execute(sql)
    finally:
        await conn.close()


def create_role_sql(role: str) -> str:
    """Idempotent ``CREATE ROLE ... LOGIN``: roles are cluster-wide, so another database's
    migration (or a concurrent one) may already have made it."""
    return f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{role}') THEN
        CREATE ROLE {role} LOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$"""


def grant_sql(
    table: str, writer: str, readers: list[str], sequences: tuple[str, ...] = ()
) -> list[str]:
    """Write access for the owning service's role, read access for every other role."""
    statements = [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {writer}",
        f"GRANT SELECT ON {table} TO {', '.join(readers)}",
    ]
    statements += [f"GRANT USAGE, SELECT ON SEQUENCE {seq} TO {writer}" for seq in sequences]
    return statements

"""Tenant scoping for Postgres row-level security (revision 0008).

Every tenant table has forced RLS. The tenant-facing roles (the gateway's and the
read-only ``leadgen_app``) see and write only rows whose team is the transaction-local
setting ``leadgen.team_id``, and nothing while it is unset; :func:`set_team` sets it for
the rest of the current transaction.

    async with engine.begin() as conn:
        await set_team(conn, team_id)
        ...
"""

from __future__ import annotations

import uuid

from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncConnection

#: The custom setting the policies read (``current_setting(TEAM_SETTING, true)``).
TEAM_SETTING = "leadgen.team_id"

#: ``set_config(..., true)`` is ``SET LOCAL``: it ends with the transaction, so a pooled
#: connection never carries one request's team into the next. The team is a bound
#: parameter, never formatted into the SQL.
_SET_TEAM = text("SELECT set_config('leadgen.team_id', CAST(:team AS uuid)::text, true)")


async def set_team(conn: AsyncConnection, team_id: uuid.UUID) -> None:
    """Scope the rest of ``conn``'s current transaction to ``team_id``."""
    if not isinstance(team_id, uuid.UUID):
        raise TypeError(f"a team id is a UUID, not {type(team_id).__name__}")
    await conn.execute(_SET_TEAM, {"team": str(team_id)})


# --- the policies (revision 0008; later revisions' new tenant tables use the same) --------

#: Policy names, the same on every tenant table.
TENANT_POLICY = "tenant_isolation"
PIPELINE_POLICY = "pipeline_all_teams"
OWNER_POLICY = "owner_all_teams"

#: The team the transaction is scoped to, or NULL: unset in this session, or reset to ''
#: after an earlier transaction's ``SET LOCAL`` ended (a placeholder setting stays
#: defined), which NULLIF turns into "no team" instead of a uuid syntax error.
CURRENT_TEAM_SQL = "NULLIF(current_setting('leadgen.team_id', true), '')::uuid"


def enable_rls_sql(
    table: str,
    *,
    tenant_roles: list[str],
    pipeline_roles: list[str],
    team_column: str = "team_id",
) -> list[str]:
    """Forced row-level security on ``table`` and its three policies.

    - ``tenant_isolation`` (``tenant_roles``: the gateway's and the read-only app role):
      rows of the transaction's team only, for reading and for writing; no team set, no row.
    - ``pipeline_all_teams`` (``pipeline_roles``): every row; the pipeline consumers take
      the team from each event and lead-writer's batches span teams.
    - ``owner_all_teams`` (the role running the migration, which owns the tables): FORCE
      puts the owner under the policies too, so migrations and operations see every row
      even where the owner has no BYPASSRLS (a superuser or BYPASSRLS owner skips them).
    """
    own = f"{team_column} = {CURRENT_TEAM_SQL}"
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY {TENANT_POLICY} ON {table} AS PERMISSIVE FOR ALL "
        f"TO {', '.join(tenant_roles)} USING ({own}) WITH CHECK ({own})",
        f"CREATE POLICY {PIPELINE_POLICY} ON {table} AS PERMISSIVE FOR ALL "
        f"TO {', '.join(pipeline_roles)} USING (true) WITH CHECK (true)",
        f"CREATE POLICY {OWNER_POLICY} ON {table} AS PERMISSIVE FOR ALL "
        "TO CURRENT_USER USING (true) WITH CHECK (true)",
    ]


def disable_rls_sql(table: str) -> list[str]:
    """What :func:`enable_rls_sql` did, undone."""
    return [
        *(f"DROP POLICY IF EXISTS {p} ON {table}" for p in (OWNER_POLICY, PIPELINE_POLICY)),
        f"DROP POLICY IF EXISTS {TENANT_POLICY} ON {table}",
        f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
    ]


def tenant_tables(metadata: MetaData) -> dict[str, str]:
    """Every tenant table of ``metadata`` -> the column holding its team: each table with a
    ``team_id`` column, and ``teams`` itself (a team sees its own row only)."""
    found = {name: "team_id" for name, table in metadata.tables.items() if "team_id" in table.c}
    if "teams" in metadata.tables:
        found["teams"] = "id"
    return dict(sorted(found.items()))

"""Row-level security on every tenant table, forced, with a policy per kind of role.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27

Every table holding a team's rows (each table with a ``team_id`` column, and ``teams``
keyed by its ``id``) gets ``ENABLE`` and ``FORCE ROW LEVEL SECURITY`` and three policies
(``leadgen_common.db.tenancy.enable_rls_sql``):

- ``tenant_isolation`` for the gateway's role and the read-only ``leadgen_app``: only rows
  whose team is ``current_setting('leadgen.team_id', true)``, which the gateway sets per
  transaction from the token (``SET LOCAL``); no setting, no row; a write of another
  team's row is refused.
- ``pipeline_all_teams`` for discovery, enrichment, scoring and lead-writer: every row.
  Each event carries its team, lead-writer projects batches spanning teams in one
  transaction, and the relay, retention and key rotation work across teams.
- ``owner_all_teams`` for the role running the migration (the tables' owner): FORCE puts
  the owner under the policies too, so without BYPASSRLS it would see nothing.

The tables are listed here (frozen history, as the roles are); a test checks the list
against schema.py's tables. A later revision that adds a tenant table enables the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from leadgen_common.db.tenancy import disable_rls_sql, enable_rls_sql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Tenant table -> the column holding its team (this revision's copy).
TENANT_TABLES: dict[str, str] = {
    "audiences": "team_id",
    "audit_log": "team_id",
    "campaign_progress": "team_id",
    "campaign_prospects": "team_id",
    "campaigns": "team_id",
    "discovery_cursors": "team_id",
    "discovery_seen": "team_id",
    "enrichment_job_items": "team_id",
    "enrichment_jobs": "team_id",
    "enrichment_log": "team_id",
    "icp_vectors": "team_id",
    "icps": "team_id",
    "leads": "team_id",
    "principals": "team_id",
    "prospect_vectors": "team_id",
    "prospects": "team_id",
    "scoring_campaigns": "team_id",
    "suppressions": "team_id",
    "teams": "id",
    "webhook_registrations": "team_id",
}
#: Scoped to the transaction's team (this revision's copy of the roles).
TENANT_ROLES = ["leadgen_gateway", "leadgen_app"]
#: Every team's rows: the pipeline consumers.
PIPELINE_ROLES = [
    "leadgen_discovery",
    "leadgen_enrichment",
    "leadgen_scoring",
    "leadgen_lead_writer",
]


def upgrade() -> None:
    for table, column in TENANT_TABLES.items():
        for statement in enable_rls_sql(
            table,
            tenant_roles=TENANT_ROLES,
            pipeline_roles=PIPELINE_ROLES,
            team_column=column,
        ):
            op.execute(statement)


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_rls_sql(table):
            op.execute(statement)

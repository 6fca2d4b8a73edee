"""webhooks: registrations with an encrypted secret, the delivery service's role and tables.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25

- ``webhook_registrations`` (the gateway's, from 0001, never written by any code until now)
  keeps the signing secret itself, encrypted with the field cipher, instead of a hash: the
  delivery service must sign with it. ``failure_count`` goes: the gateway owns the table
  and the delivery service could not write it. The team's own switch stays (``enabled``),
  with ``enabled_at``, ``description``, ``created_by`` and ``updated_at``.
- A new login role ``leadgen_webhooks`` for the new ``webhooks`` service, the only writer
  of ``webhook_deliveries`` (one row per endpoint and event, unique) and
  ``webhook_endpoint_states`` (consecutive failures, automatic disable). A pending
  delivery keeps its body encrypted and names the person it is about (``prospect_id``),
  so an erasure fails it and drops the body. Like every
  service role it reads the other tables; it joins ``pipeline_all_teams`` on every tenant
  table (it delivers every team's events), and the new tables get forced row-level security
  with the same three policies as 0008's.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from leadgen_common.db.roles import create_role_sql, grant_sql
from leadgen_common.db.tenancy import PIPELINE_POLICY, disable_rls_sql, enable_rls_sql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: This revision's copy of the roles (frozen history, as in 0001 and 0008).
ROLE = "leadgen_webhooks"
ADDED_ROLES = {"webhooks": ROLE}
TENANT_ROLES = ["leadgen_gateway", "leadgen_app"]
PIPELINE_ROLES = [
    "leadgen_discovery",
    "leadgen_enrichment",
    "leadgen_scoring",
    "leadgen_lead_writer",
    ROLE,
]
OTHER_ROLES = [*TENANT_ROLES, *PIPELINE_ROLES[:-1]]
#: Every tenant table before this revision (0008's list; 0009 added none).
EARLIER_TENANT_TABLES: dict[str, str] = {
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
REGISTRATIONS = "webhook_registrations"
DELIVERIES = "webhook_deliveries"
STATES = "webhook_endpoint_states"


def _now(name: str, nullable: bool = False) -> sa.Column:
    default = None if nullable else sa.text("now()")
    return sa.Column(name, sa.DateTime(timezone=True), server_default=default, nullable=nullable)


def upgrade() -> None:
    # No code wrote a registration before this revision; any row would hold a hash that
    # cannot sign, so none survives.
    op.execute(f"DELETE FROM {REGISTRATIONS}")
    op.drop_column(REGISTRATIONS, "secret_hash")
    op.drop_column(REGISTRATIONS, "failure_count")
    op.add_column(REGISTRATIONS, sa.Column("secret", sa.Text(), nullable=False))
    op.add_column(REGISTRATIONS, sa.Column("description", sa.Text(), nullable=True))
    op.add_column(REGISTRATIONS, _now("enabled_at"))
    op.add_column(REGISTRATIONS, sa.Column("created_by", sa.Text(), nullable=True))
    op.add_column(REGISTRATIONS, _now("updated_at"))

    op.create_table(
        DELIVERIES,
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("endpoint_id", sa.UUID(), nullable=False),
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("prospect_id", sa.UUID(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), server_default=sa.text("'pending'"), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        _now("next_attempt_at"),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _now("delivered_at", nullable=True),
        _now("created_at"),
        _now("updated_at"),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'failed')",
            name=op.f("ck_webhook_deliveries_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint(
            "endpoint_id", "event_id", name=op.f("uq_webhook_deliveries_endpoint_id_event_id")
        ),
    )
    op.create_index(
        op.f("ix_webhook_deliveries_team_id_endpoint_id_created_at"),
        DELIVERIES,
        ["team_id", "endpoint_id", "created_at"],
    )
    op.create_index(
        op.f("ix_webhook_deliveries_status_next_attempt_at"),
        DELIVERIES,
        ["status", "next_attempt_at"],
    )
    op.create_table(
        STATES,
        sa.Column("endpoint_id", sa.UUID(), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column(
            "consecutive_failures", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        _now("disabled_at", nullable=True),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("endpoint_id", name=op.f("pk_webhook_endpoint_states")),
    )
    op.create_index(op.f("ix_webhook_endpoint_states_team_id"), STATES, ["team_id"])

    op.execute(create_role_sql(ROLE))
    op.execute(f"GRANT USAGE ON SCHEMA public TO {ROLE}")
    op.execute(
        f"DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO {ROLE}', "
        "current_database()); END $$"
    )
    op.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {ROLE}")
    for table in (DELIVERIES, STATES):
        for statement in grant_sql(table, ROLE, OTHER_ROLES):
            op.execute(statement)
    for table in EARLIER_TENANT_TABLES:
        op.execute(f"ALTER POLICY {PIPELINE_POLICY} ON {table} TO {', '.join(PIPELINE_ROLES)}")
    for table in (DELIVERIES, STATES):
        for statement in enable_rls_sql(
            table, tenant_roles=TENANT_ROLES, pipeline_roles=PIPELINE_ROLES
        ):
            op.execute(statement)


def downgrade() -> None:
    """The role stays (cluster-wide, as 0001's do) without its grants and policies."""
    for table in (DELIVERIES, STATES):
        for statement in disable_rls_sql(table):
            op.execute(statement)
        op.drop_table(table)
    earlier = ", ".join(PIPELINE_ROLES[:-1])
    for table in EARLIER_TENANT_TABLES:
        op.execute(f"ALTER POLICY {PIPELINE_POLICY} ON {table} TO {earlier}")
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {ROLE}")
    op.execute(f"REVOKE USAGE ON SCHEMA public FROM {ROLE}")
    op.execute(
        f"DO $$ BEGIN EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM {ROLE}', "
        "current_database()); END $$"
    )
    op.execute(f"DELETE FROM {REGISTRATIONS}")
    for column in ("updated_at", "created_by", "enabled_at", "description", "secret"):
        op.drop_column(REGISTRATIONS, column)
    op.add_column(REGISTRATIONS, sa.Column("secret_hash", sa.Text(), nullable=False))
    op.add_column(
        REGISTRATIONS,
        sa.Column("failure_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )

"""Initial schema: pgvector, every table of DESIGN.md, the service roles and their grants.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Frozen history: later changes go in new revisions, never here. Table ownership below is
this revision's copy of schema.py's ``info["owner"]``; a test checks the two agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from leadgen_common.db.roles import create_role_sql, grant_sql
from leadgen_common.db.types import Vector
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES: dict[str, str] = {
    "gateway": "leadgen_gateway",
    "discovery": "leadgen_discovery",
    "enrichment": "leadgen_enrichment",
    "scoring": "leadgen_scoring",
    "lead-writer": "leadgen_lead_writer",
}
APP_ROLE = "leadgen_app"

OWNERS: dict[str, str] = {
    "teams": "gateway",
    "principals": "gateway",
    "icps": "gateway",
    "campaigns": "gateway",
    "audit_log": "gateway",
    "webhook_registrations": "gateway",
    "prospects": "lead-writer",
    "campaign_prospects": "lead-writer",
    "campaign_progress": "lead-writer",
    "leads": "lead-writer",
    "enrichment_log": "lead-writer",
    "suppressions": "lead-writer",
    "outbox": "lead-writer",
    "processed_events": "lead-writer",
    "discovery_cursors": "discovery",
    "audiences": "discovery",
    "enrichment_jobs": "enrichment",
    "prospect_vectors": "scoring",
    "icp_vectors": "scoring",
}
SEQUENCES: dict[str, tuple[str, ...]] = {
    "audit_log": ("audit_log_id_seq",),
    "outbox": ("outbox_id_seq",),
}


#: Parents before children (foreign keys); downgrade drops in reverse.
CREATION_ORDER: tuple[str, ...] = (
    "audiences",
    "audit_log",
    "campaign_progress",
    "discovery_cursors",
    "enrichment_jobs",
    "enrichment_log",
    "icp_vectors",
    "icps",
    "outbox",
    "principals",
    "processed_events",
    "prospect_vectors",
    "prospects",
    "suppressions",
    "teams",
    "webhook_registrations",
    "campaign_prospects",
    "campaigns",
    "leads",
)


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    _create_tables()
    _create_roles_and_grants()


def _create_tables() -> None:
    op.create_table(
        "audiences",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("icp_id", sa.UUID(), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column(
            "definition",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "platform IN ('linkedin', 'facebook', 'twitter')", name=op.f("ck_audiences_platform")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audiences")),
    )
    op.create_index(op.f("ix_audiences_icp_id"), "audiences", ["icp_id"], unique=False)
    op.create_index(op.f("ix_audiences_team_id"), "audiences", ["team_id"], unique=False)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("principal", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("resource_type", sa.Text(), nullable=False),
        sa.Column("resource_id", sa.Text(), nullable=True),
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_team_id_at"), "audit_log", ["team_id", "at"], unique=False)
    op.create_table(
        "campaign_progress",
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'running'"), nullable=False),
        sa.Column(
            "options",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("discovered", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("enriched", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("enrichment_skipped", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("scored", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("qualified", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("review", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("rejected", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("converted", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "platforms",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "warnings",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "cost_total",
            sa.Numeric(precision=12, scale=4),
            server_default=sa.text("0"),
            nullable=False,
        ),
        sa.Column(
            "discovery_finished", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column(
            "started_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('running', 'paused', 'completed', 'failed', 'cancelled')",
            name=op.f("ck_campaign_progress_status"),
        ),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_campaign_progress")),
    )
    op.create_index(
        op.f("ix_campaign_progress_team_id"), "campaign_progress", ["team_id"], unique=False
    )
    op.create_table(
        "discovery_cursors",
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("next_start", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("discovered", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "platform IN ('linkedin', 'facebook', 'twitter')",
            name=op.f("ck_discovery_cursors_platform"),
        ),
        sa.PrimaryKeyConstraint("campaign_id", "platform", name=op.f("pk_discovery_cursors")),
    )
    op.create_index(
        op.f("ix_discovery_cursors_team_id"), "discovery_cursors", ["team_id"], unique=False
    )
    op.create_table(
        "enrichment_jobs",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("prospect_ids", postgresql.ARRAY(sa.UUID()), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("failed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrichment_jobs")),
    )
    op.create_index(
        op.f("ix_enrichment_jobs_team_id"), "enrichment_jobs", ["team_id"], unique=False
    )
    op.create_table(
        "enrichment_log",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("campaign_id", sa.UUID(), nullable=True),
        sa.Column("prospect_id", sa.UUID(), nullable=True),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("operation", sa.Text(), nullable=False),
        sa.Column(
            "cost", sa.Numeric(precision=12, scale=4), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("source_event_id", sa.UUID(), nullable=False),
        sa.Column("call_index", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrichment_log")),
        sa.UniqueConstraint(
            "source_event_id",
            "call_index",
            name=op.f("uq_enrichment_log_source_event_id_call_index"),
        ),
    )
    op.create_index(
        op.f("ix_enrichment_log_campaign_id"), "enrichment_log", ["campaign_id"], unique=False
    )
    op.create_index(op.f("ix_enrichment_log_team_id"), "enrichment_log", ["team_id"], unique=False)
    op.create_table(
        "icp_vectors",
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("embedding", Vector(384), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_icp_vectors")),
    )
    op.create_index(op.f("ix_icp_vectors_team_id"), "icp_vectors", ["team_id"], unique=False)
    op.create_table(
        "icps",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("product_id", sa.Text(), nullable=True),
        sa.Column("definition", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_icps")),
    )
    op.create_index(op.f("ix_icps_team_id"), "icps", ["team_id"], unique=False)
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=True),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "headers",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["id"],
        unique=False,
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "principals",
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "last_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "role IN ('admin', 'sales_manager', 'sales_rep', 'viewer')",
            name=op.f("ck_principals_role"),
        ),
        sa.PrimaryKeyConstraint("team_id", "subject", name=op.f("pk_principals")),
    )
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column(
            "processed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f("pk_processed_events")),
    )
    op.create_table(
        "prospect_vectors",
        sa.Column("prospect_id", sa.UUID(), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("embedding", Vector(384), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("prospect_id", "model", name=op.f("pk_prospect_vectors")),
    )
    op.create_index(
        "ix_prospect_vectors_embedding_hnsw",
        "prospect_vectors",
        ["embedding"],
        unique=False,
        postgresql_using="hnsw",
        postgresql_ops={"embedding": "vector_cosine_ops"},
    )
    op.create_index(
        op.f("ix_prospect_vectors_team_id"), "prospect_vectors", ["team_id"], unique=False
    )
    op.create_table(
        "prospects",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("platform_profile_id", sa.Text(), nullable=False),
        sa.Column("profile_url", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("headline", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("company_name", sa.Text(), nullable=True),
        sa.Column("company_domain", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column(
            "contact_info",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "profile_data",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "enrichment_data",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "edited_fields",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("assignee", sa.Text(), nullable=True),
        sa.Column("quality_score", sa.Float(), nullable=True),
        sa.Column(
            "discovered_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("enriched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "platform IN ('linkedin', 'facebook', 'twitter')", name=op.f("ck_prospects_platform")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prospects")),
        sa.UniqueConstraint(
            "team_id",
            "platform",
            "platform_profile_id",
            name=op.f("uq_prospects_team_id_platform_platform_profile_id"),
        ),
    )
    op.create_table(
        "suppressions",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppressions")),
        sa.UniqueConstraint(
            "team_id", "kind", "value", name=op.f("uq_suppressions_team_id_kind_value")
        ),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_teams_name")),
    )
    op.create_table(
        "webhook_registrations",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret_hash", sa.Text(), nullable=False),
        sa.Column(
            "events", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False
        ),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("failure_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_registrations")),
    )
    op.create_index(
        op.f("ix_webhook_registrations_team_id"), "webhook_registrations", ["team_id"], unique=False
    )
    op.create_table(
        "campaign_prospects",
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.Column("prospect_id", sa.UUID(), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'new'"), nullable=False),
        sa.Column("icp_match_score", sa.Float(), nullable=True),
        sa.Column("quality_score", sa.Float(), nullable=True),
        sa.Column("breakdown", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("enrichment_skipped", sa.Text(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column(
            "discovered_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "platform IN ('linkedin', 'facebook', 'twitter')",
            name=op.f("ck_campaign_prospects_platform"),
        ),
        sa.CheckConstraint(
            "status IN ('new', 'enriched', 'qualified', 'review', 'rejected', 'converted', "
            "'erased')",
            name=op.f("ck_campaign_prospects_status"),
        ),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_campaign_prospects_prospect_id_prospects"),
        ),
        sa.PrimaryKeyConstraint("campaign_id", "prospect_id", name=op.f("pk_campaign_prospects")),
    )
    op.create_index(
        op.f("ix_campaign_prospects_campaign_id_icp_match_score"),
        "campaign_prospects",
        ["campaign_id", "icp_match_score"],
        unique=False,
    )
    op.create_index(
        op.f("ix_campaign_prospects_campaign_id_status"),
        "campaign_prospects",
        ["campaign_id", "status"],
        unique=False,
    )
    op.create_index(
        op.f("ix_campaign_prospects_prospect_id"),
        "campaign_prospects",
        ["prospect_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_campaign_prospects_team_id"), "campaign_prospects", ["team_id"], unique=False
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("icp_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("platforms", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column(
            "search_criteria",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "options",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "requested_status", sa.Text(), server_default=sa.text("'running'"), nullable=False
        ),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("estimated_completion", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "requested_status IN ('running', 'paused', 'cancelled')",
            name=op.f("ck_campaigns_requested_status"),
        ),
        sa.ForeignKeyConstraint(["icp_id"], ["icps.id"], name=op.f("fk_campaigns_icp_id_icps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.create_index(op.f("ix_campaigns_icp_id"), "campaigns", ["icp_id"], unique=False)
    op.create_index(op.f("ix_campaigns_team_id"), "campaigns", ["team_id"], unique=False)
    op.create_table(
        "leads",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("prospect_id", sa.UUID(), nullable=False),
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'new'"), nullable=False),
        sa.Column("assignee", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("icp_match_score", sa.Float(), nullable=False),
        sa.Column("quality_score", sa.Float(), nullable=True),
        sa.Column(
            "contact_info",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "company_info",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "social_profiles",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('new', 'contacted', 'qualified', 'unqualified', 'won', 'lost')",
            name=op.f("ck_leads_status"),
        ),
        sa.ForeignKeyConstraint(
            ["prospect_id"], ["prospects.id"], name=op.f("fk_leads_prospect_id_prospects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        sa.UniqueConstraint("prospect_id", name=op.f("uq_leads_prospect_id")),
    )
    op.create_index(op.f("ix_leads_campaign_id"), "leads", ["campaign_id"], unique=False)
    op.create_index(op.f("ix_leads_team_id"), "leads", ["team_id"], unique=False)


def _create_roles_and_grants() -> None:
    every_role = [*ROLES.values(), APP_ROLE]
    for role in every_role:
        op.execute(create_role_sql(role))
    roles = ", ".join(every_role)
    op.execute(f"GRANT USAGE ON SCHEMA public TO {roles}")
    op.execute(
        f"DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO {roles}', "
        "current_database()); END $$"
    )
    op.execute(f"GRANT SELECT ON alembic_version TO {roles}")
    for table, service in OWNERS.items():
        writer = ROLES[service]
        readers = [role for role in every_role if role != writer]
        for statement in grant_sql(table, writer, readers, SEQUENCES.get(table, ())):
            op.execute(statement)


def downgrade() -> None:
    """Drops every table; the extension and the (cluster-wide) roles stay."""
    for table in reversed(CREATION_ORDER):
        op.drop_table(table)

"""enrichment: enrichment_job_items, one row per prospect of an on-demand enrichment job.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26

``POST /enrichment/prospects/{id}`` and ``POST /enrichment/batch`` publish one
``enrichment.requested`` per prospect; the enrichment service upserts the job
(``enrichment_jobs``) and the item keyed by (job, prospect), then marks the item done or
failed (with the reason in ``error``) exactly once, so a redelivered command never counts
twice. Written by the enrichment role only; every other role may read it (the gateway
answers ``GET /enrichment/jobs/{id}`` from it).

``audit_log`` gains an index on (team, resource type, resource id): the gateway finds an
enrichment job's request there before enrichment has seen the job.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from leadgen_common.db.roles import grant_sql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ITEMS = "enrichment_job_items"
AUDIT = "audit_log"
AUDIT_INDEX = "ix_audit_log_team_id_resource_type_resource_id"
#: This revision's copy of the roles (frozen history, as in 0001).
WRITER = "leadgen_enrichment"
READERS = [
    "leadgen_gateway",
    "leadgen_discovery",
    "leadgen_scoring",
    "leadgen_lead_writer",
    "leadgen_app",
]


def upgrade() -> None:
    op.create_table(
        ITEMS,
        sa.Column("job_id", sa.UUID(), nullable=False),
        sa.Column("prospect_id", sa.UUID(), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'pending'"), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
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
            "status IN ('pending', 'done', 'failed')",
            name=op.f("ck_enrichment_job_items_status"),
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["enrichment_jobs.id"],
            name=op.f("fk_enrichment_job_items_job_id_enrichment_jobs"),
        ),
        sa.PrimaryKeyConstraint("job_id", "prospect_id", name=op.f("pk_enrichment_job_items")),
    )
    op.create_index(op.f("ix_enrichment_job_items_team_id"), ITEMS, ["team_id"], unique=False)
    for statement in grant_sql(ITEMS, WRITER, READERS):
        op.execute(statement)
    op.create_index(
        op.f(AUDIT_INDEX), AUDIT, ["team_id", "resource_type", "resource_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f(AUDIT_INDEX), table_name=AUDIT)
    op.drop_index(op.f("ix_enrichment_job_items_team_id"), table_name=ITEMS)
    op.drop_table(ITEMS)

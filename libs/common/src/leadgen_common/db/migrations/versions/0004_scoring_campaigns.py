"""scoring: scoring_campaigns, the ICP snapshot of each campaign.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

scoring keeps the ICP that campaign.started carried, keyed by campaign, so scoring a
prospect needs no lookup in the gateway's tables (whose ICP a user may edit after the
campaign started). Written by the scoring role only; every other role may read it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from leadgen_common.db.roles import grant_sql
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "scoring_campaigns"
#: This revision's copy of the roles (frozen history, as in 0001).
WRITER = "leadgen_scoring"
READERS = [
    "leadgen_gateway",
    "leadgen_discovery",
    "leadgen_enrichment",
    "leadgen_lead_writer",
    "leadgen_app",
]


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("icp", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_scoring_campaigns")),
    )
    op.create_index(op.f("ix_scoring_campaigns_team_id"), TABLE, ["team_id"], unique=False)
    for statement in grant_sql(TABLE, WRITER, READERS):
        op.execute(statement)


def downgrade() -> None:
    op.drop_index(op.f("ix_scoring_campaigns_team_id"), table_name=TABLE)
    op.drop_table(TABLE)

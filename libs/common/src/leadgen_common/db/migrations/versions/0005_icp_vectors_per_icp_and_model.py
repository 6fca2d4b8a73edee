"""scoring: icp_vectors per (campaign, model), with the ICP id.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

GET /icps/{id}/similar looks an ICP's vector up by the ICP, so each row names its
icp_id (campaign.started carries it). Vectors of different embedding models never mix,
so a campaign keeps one vector per model, as prospect_vectors does per prospect. No row
existed before this revision (nothing wrote the table), so icp_id can be NOT NULL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "icp_vectors"


def upgrade() -> None:
    op.add_column(TABLE, sa.Column("icp_id", sa.UUID(), nullable=False))
    op.drop_constraint(op.f("pk_icp_vectors"), TABLE, type_="primary")
    op.create_primary_key(op.f("pk_icp_vectors"), TABLE, ["campaign_id", "model"])
    op.drop_index(op.f("ix_icp_vectors_team_id"), table_name=TABLE)
    op.create_index(
        op.f("ix_icp_vectors_team_id_icp_id_updated_at"),
        TABLE,
        ["team_id", "icp_id", "updated_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_icp_vectors_team_id_icp_id_updated_at"), table_name=TABLE)
    op.create_index(op.f("ix_icp_vectors_team_id"), TABLE, ["team_id"], unique=False)
    op.drop_constraint(op.f("pk_icp_vectors"), TABLE, type_="primary")
    # More than one model per campaign cannot survive the narrower key.
    op.execute(
        "DELETE FROM icp_vectors a USING icp_vectors b "
        "WHERE a.campaign_id = b.campaign_id AND (a.updated_at, a.model) < (b.updated_at, b.model)"
    )
    op.create_primary_key(op.f("pk_icp_vectors"), TABLE, ["campaign_id"])
    op.drop_column(TABLE, "icp_id")

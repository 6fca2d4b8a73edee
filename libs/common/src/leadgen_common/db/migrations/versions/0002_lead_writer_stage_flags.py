"""lead-writer: per-stage counted flags on campaign_prospects, expected_discovered on
campaign_progress.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Events of one prospect arrive on different topics in any order and may be re-published
under new event ids; each funnel counter must move once per (campaign, prospect, stage).
The ``counted_*_at`` columns record when a stage was counted (null: not yet).
``expected_discovered`` is the total discovery reported in campaign.discovery_finished:
completion waits until lead-writer has seen that many prospects.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAGE_COLUMNS = ("counted_discovered_at", "counted_enriched_at", "counted_scored_at")


def upgrade() -> None:
    for name in STAGE_COLUMNS:
        op.add_column(
            "campaign_prospects", sa.Column(name, sa.DateTime(timezone=True), nullable=True)
        )
    op.add_column(
        "campaign_progress", sa.Column("expected_discovered", sa.Integer(), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("campaign_progress", "expected_discovered")
    for name in reversed(STAGE_COLUMNS):
        op.drop_column("campaign_prospects", name)

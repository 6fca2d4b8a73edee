"""discovery: what a paging loop needs to resume anywhere -- lease, criteria, options.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

One discovery replica pages a campaign at a time: it holds a lease (``owner``,
``lease_until``) on the campaign's cursor rows and renews it; when a replica dies its
lease lapses and another claims the campaign. The rows also keep what the loop needs
after a restart without the original ``campaign.started``: the translated ``criteria``
and their ``warnings``, the campaign ``options`` carried into every prospect, the
``correlation_id`` and the ``started_event_id`` (causation). ``outcome`` and
``failure_reason`` end one platform; ``finished_at`` says campaign.discovery_finished
was published. ``status`` is the control state (running, paused, cancelled).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "discovery_cursors"


def _jsonb(name: str, default: str) -> sa.Column:
    return sa.Column(
        name, postgresql.JSONB(), server_default=sa.text(f"'{default}'::jsonb"), nullable=False
    )


def upgrade() -> None:
    op.add_column(TABLE, sa.Column("owner", sa.Text(), nullable=True))
    op.add_column(TABLE, sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column(TABLE, _jsonb("criteria", "{}"))
    op.add_column(TABLE, _jsonb("warnings", "[]"))
    op.add_column(TABLE, _jsonb("options", "{}"))
    op.add_column(TABLE, sa.Column("correlation_id", sa.Text(), nullable=True))
    op.add_column(TABLE, sa.Column("started_event_id", sa.UUID(), nullable=True))
    op.add_column(TABLE, sa.Column("outcome", sa.Text(), nullable=True))
    op.add_column(TABLE, sa.Column("failure_reason", sa.Text(), nullable=True))
    op.add_column(TABLE, sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
    op.create_check_constraint(
        op.f("ck_discovery_cursors_status"), TABLE, "status IN ('running', 'paused', 'cancelled')"
    )
    op.create_check_constraint(
        op.f("ck_discovery_cursors_outcome"), TABLE, "outcome IN ('exhausted', 'failed')"
    )
    # The claim scan looks only at campaigns still being discovered.
    op.create_index(
        "ix_discovery_cursors_unfinished",
        TABLE,
        ["lease_until"],
        unique=False,
        postgresql_where=sa.text("finished_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_discovery_cursors_unfinished", table_name=TABLE)
    op.drop_constraint(op.f("ck_discovery_cursors_outcome"), TABLE, type_="check")
    op.drop_constraint(op.f("ck_discovery_cursors_status"), TABLE, type_="check")
    for name in (
        "finished_at",
        "failure_reason",
        "outcome",
        "started_event_id",
        "correlation_id",
        "options",
        "warnings",
        "criteria",
        "lease_until",
        "owner",
    ):
        op.drop_column(TABLE, name)

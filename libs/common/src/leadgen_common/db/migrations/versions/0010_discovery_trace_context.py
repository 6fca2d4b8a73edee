"""discovery: the trace context of each campaign, kept with its cursors.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25

``discovery_cursors.trace_context`` holds the W3C trace context (``traceparent``,
``tracestate``) of the ``campaign.started`` the cursors were created from. Paging runs in
background loops long after that handler returned, on whichever replica holds the lease,
so the loop continues the campaign's trace from here: its platform calls and every
``prospect.discovered`` belong to the trace that began at ``POST /campaigns``. Empty
(``{}``) for rows written before this revision: their pages start traces of their own.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "discovery_cursors"


def upgrade() -> None:
    op.add_column(
        TABLE,
        sa.Column(
            "trace_context",
            postgresql.JSONB(),
            nullable=False,
            server_default=sa.text("'{}'::jsonb"),
        ),
    )


def downgrade() -> None:
    op.drop_column(TABLE, "trace_context")

"""discovery: token cursors, rate-limit waits on the cursor, and a per-campaign seen set.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25

``discovery_cursors.page_token`` holds where a token-paged platform (Facebook ``after``,
X ``next_token``) continues, next to ``next_start`` (results consumed so far, the ranks);
``rate_limited_until`` is set while the platform's calls wait for the rate limiter (or a
429) and cleared after, so the campaign status shows ``rateLimitedUntil`` per platform.

``discovery_seen`` is each running campaign's set of prospects already published: a
person met again on a later page or by another query of the same platform is not
published twice, across restarts and replicas. A campaign's rows are deleted when its
discovery finishes. Written by the discovery role only; every other role may read it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from leadgen_common.db.roles import grant_sql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURSORS = "discovery_cursors"
SEEN = "discovery_seen"
#: This revision's copy of the roles (frozen history, as in 0001).
WRITER = "leadgen_discovery"
READERS = [
    "leadgen_gateway",
    "leadgen_enrichment",
    "leadgen_scoring",
    "leadgen_lead_writer",
    "leadgen_app",
]


def upgrade() -> None:
    op.add_column(CURSORS, sa.Column("page_token", sa.Text(), nullable=True))
    op.add_column(
        CURSORS, sa.Column("rate_limited_until", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_table(
        SEEN,
        sa.Column("team_id", sa.UUID(), nullable=False),
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.Column("prospect_id", sa.UUID(), nullable=False),
        sa.PrimaryKeyConstraint(
            "team_id", "campaign_id", "prospect_id", name=op.f("pk_discovery_seen")
        ),
    )
    for statement in grant_sql(SEEN, WRITER, READERS):
        op.execute(statement)


def downgrade() -> None:
    op.drop_table(SEEN)
    op.drop_column(CURSORS, "rate_limited_until")
    op.drop_column(CURSORS, "page_token")

"""lead-writer: the suppression list holds hashes only, and says why each entry is there.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28

``suppressions.value`` becomes the SHA-256 hex digest of the normalized value
(``leadgen_common.suppression``): a check constraint refuses anything else, so a plain
email, domain or profile URL can never be stored. Rows written before this revision (no
code wrote any) are hashed in place with the same normal forms, approximated in SQL.
``kind`` is checked (``email``, ``domain``, ``profile_url``, and ``platform_id`` which
erasure adds; older rows of other kinds are not checked: ``NOT VALID``), and the new
``reason`` says whether a team added the entry (``opt_out``) or an erasure did
(``erased``).

The table is lead-writer's (written by its role only, readable by every other role, as
revision 0001 granted) and already under row-level security (revision 0008); adding
columns and constraints changes neither.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "suppressions"
#: This revision's copy of the kinds and reasons (frozen history).
KINDS = ("email", "domain", "profile_url", "platform_id")
REASONS = ("opt_out", "erased")
DIGEST = "^[0-9a-f]{64}$"

#: The normal forms of leadgen_common.identifiers, as far as SQL gets them: lower-cased and
#: trimmed; a domain is the host of a URL or an email, without "www." and a trailing dot;
#: a profile URL is without scheme, "www."/"m.", query, fragment and trailing slash.
_NORMAL = """
CASE kind
  WHEN 'domain' THEN rtrim(regexp_replace(split_part(regexp_replace(regexp_replace(
       lower(btrim(value)), '^.*@', ''), '^[a-z][a-z0-9+.-]*://', ''), '/', 1),
       '^www\\.', ''), '.')
  WHEN 'profile_url' THEN rtrim(regexp_replace(regexp_replace(lower(btrim(value)),
       '^([a-z][a-z0-9+.-]*://)?(www\\.|m\\.)?', ''), '[?#].*$', ''), '/')
  ELSE lower(btrim(value))
END"""


def _listed(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade() -> None:
    op.execute(
        f"UPDATE {TABLE} SET value = encode(sha256(convert_to({_NORMAL}, 'UTF8')), 'hex') "
        f"WHERE value !~ '{DIGEST}'"
    )
    op.add_column(
        TABLE,
        sa.Column("reason", sa.Text(), server_default=sa.text("'opt_out'"), nullable=False),
    )
    op.execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT ck_suppressions_kind "
        f"CHECK (kind IN ({_listed(KINDS)})) NOT VALID"
    )
    op.create_check_constraint(
        op.f("ck_suppressions_reason"), TABLE, f"reason IN ({_listed(REASONS)})"
    )
    op.create_check_constraint(
        op.f("ck_suppressions_value_is_sha256"), TABLE, f"value ~ '{DIGEST}'"
    )


def downgrade() -> None:
    for name in ("value_is_sha256", "reason", "kind"):
        op.drop_constraint(op.f(f"ck_suppressions_{name}"), TABLE, type_="check")
    op.drop_column(TABLE, "reason")

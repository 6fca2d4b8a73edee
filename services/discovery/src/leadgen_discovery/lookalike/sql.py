"""Postgres edges of the lookalike use case: the seed is read (SELECT only) from
lead-writer's leads, campaigns and prospects (emails stored encrypted: decrypted here with
the discovery service's keys) and the gateway's campaigns; the audiences table is
discovery's own."""

from __future__ import annotations

import uuid
from typing import Any

from leadgen_common.crypto import FieldCipher
from leadgen_common.db.schema import audiences, campaigns, leads, prospects
from leadgen_common.db.suppressions import suppressed
from leadgen_common.suppression import Entry, Kind, entry
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from ..domain.seeds import hashed_seed

#: Candidates read per round trip while filling a seed (suppressed people are skipped).
_CHUNK = 500


class SqlSeedSource:
    def __init__(self, engine: AsyncEngine, cipher: FieldCipher) -> None:
        self.engine = engine
        self.cipher = cipher  # lead-writer stores emails encrypted

    async def best_lead_hashes(
        self, team_id: uuid.UUID, icp_id: uuid.UUID, *, min_score: float, limit: int
    ) -> list[str]:
        """The ICP's best leads' emails (the lead's, else its prospect's), hashed as they
        are decrypted: no raw address outlives this call. Suppressed people (their email or
        its domain on the team's hashed list) are left out, in Python: the stored emails are
        ciphertexts that SQL cannot normalize or hash."""
        lead_email = leads.c.contact_info["email"].astext
        prospect_email = prospects.c.contact_info["email"].astext
        query = (
            select(leads.c.prospect_id, lead_email.label("lead"), prospect_email.label("own"))
            .select_from(
                leads.join(campaigns, campaigns.c.id == leads.c.campaign_id).join(
                    prospects, prospects.c.id == leads.c.prospect_id
                )
            )
            .where(
                leads.c.team_id == team_id,
                campaigns.c.team_id == team_id,
                campaigns.c.icp_id == icp_id,
                leads.c.icp_match_score >= min_score,
                prospects.c.erased_at.is_(None),
                func.coalesce(lead_email, prospect_email).is_not(None),
            )
            .order_by(leads.c.icp_match_score.desc(), leads.c.id)
        )
        emails: list[str] = []
        async with self.engine.connect() as conn:
            offset = 0
            while len(emails) < limit:
                rows = (await conn.execute(query.offset(offset).limit(_CHUNK))).all()
                offset += len(rows)
                found = {row.prospect_id: self._email(team_id, row) for row in rows}
                candidates = {
                    pid: (team_id, _entries(email)) for pid, email in found.items() if email
                }
                blocked = await suppressed(conn, candidates)
                emails += [email for pid, email in found.items() if email and pid not in blocked]
                if len(rows) < _CHUNK:
                    break
        return hashed_seed(emails[:limit])

    def _email(self, team_id: uuid.UUID, row: Any) -> str | None:
        value = row.lead if row.lead is not None else row.own
        clear = self.cipher.reveal(
            value, team_id=team_id, prospect_id=row.prospect_id, field="email"
        )
        return clear.strip().lower() if isinstance(clear, str) else None


def _entries(email: str) -> list[Entry]:
    """What suppresses an address: itself, and its domain."""
    found = (entry(Kind.EMAIL, email), entry(Kind.DOMAIN, email.rpartition("@")[2]))
    return [e for e in found if e is not None]


class SqlAudienceStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def finished(self, audience_id: uuid.UUID) -> bool:
        query = select(audiences.c.id).where(audiences.c.id == audience_id)
        async with self.engine.connect() as conn:
            return (await conn.execute(query)).first() is not None

    async def save(self, row: dict[str, Any]) -> None:
        statement = insert(audiences).values(**row)
        statement = statement.on_conflict_do_update(
            index_elements=[audiences.c.id],
            set_={key: statement.excluded[key] for key in ("status", "size", "definition")},
        )
        async with self.engine.begin() as conn:
            await conn.execute(statement)

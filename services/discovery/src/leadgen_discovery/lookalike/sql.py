"""Postgres edges of the lookalike use case: the seed is read (SELECT only) from
lead-writer's leads, campaigns and prospects; the audiences table is discovery's own."""

from __future__ import annotations

import uuid
from typing import Any

from leadgen_common.db.schema import audiences, campaigns, leads, prospects, suppressions
from sqlalchemy import and_, exists, func, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from ..domain.seeds import hashed_seed


def _sha256(value: Any) -> Any:
    """Hex SHA-256 of a text, in SQL."""
    return func.encode(func.sha256(func.convert_to(value, literal("UTF8"))), literal("hex"))


class SqlSeedSource:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def best_lead_hashes(
        self, team_id: uuid.UUID, icp_id: uuid.UUID, *, min_score: float, limit: int
    ) -> list[str]:
        """The emails are hashed as they are read: no raw address outlives this call."""
        email = func.lower(
            func.btrim(
                func.coalesce(
                    leads.c.contact_info["email"].astext, prospects.c.contact_info["email"].astext
                )
            )
        )
        # The list holds SHA-256 hex digests of normalized values (leadgen_common.suppression).
        suppressed = exists().where(
            suppressions.c.team_id == team_id,
            (
                and_(suppressions.c.kind == "email", suppressions.c.value == _sha256(email))
                | and_(
                    suppressions.c.kind == "domain",
                    suppressions.c.value == _sha256(func.split_part(email, literal("@"), 2)),
                )
            ),
        )
        query = (
            select(email.label("email"))
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
                email.is_not(None),
                ~suppressed,
            )
            .order_by(leads.c.icp_match_score.desc(), leads.c.id)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            return hashed_seed(row.email for row in await conn.execute(query))


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

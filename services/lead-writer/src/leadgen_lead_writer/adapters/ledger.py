"""enrichment_log: the cost ledger, one row per provider call."""

from __future__ import annotations

import uuid
from decimal import Decimal

from leadgen_common.contracts.events import ProviderCall
from leadgen_common.db.schema import enrichment_log
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection


async def log_calls(
    conn: AsyncConnection,
    *,
    source_event_id: uuid.UUID,
    team_id: uuid.UUID,
    campaign_id: uuid.UUID,
    prospect_id: uuid.UUID,
    calls: list[ProviderCall],
) -> Decimal:
    """Log each call once per (event, position); returns the cost of the rows added."""
    if not calls:
        return Decimal(0)
    stmt = (
        insert(enrichment_log)
        .values(
            [
                {
                    "team_id": team_id,
                    "campaign_id": campaign_id,
                    "prospect_id": prospect_id,
                    "provider": call.provider,
                    "operation": call.operation,
                    "status": call.status,
                    "cost": call.cost,
                    "latency_ms": call.latency_ms,
                    "source_event_id": source_event_id,
                    "call_index": index,
                }
                for index, call in enumerate(calls)
            ]
        )
        .on_conflict_do_nothing(index_elements=["source_event_id", "call_index"])
        .returning(enrichment_log.c.cost)
    )
    return sum((cost for (cost,) in (await conn.execute(stmt)).all()), Decimal(0))

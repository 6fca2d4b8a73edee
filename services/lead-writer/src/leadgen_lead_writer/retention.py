"""Retention job: delete the prospects that were not converted within ``RETENTION_DAYS``.

    python -m leadgen_lead_writer.retention [--days N] [--now ISO-TIME] [--batch-size N]

with ``DATABASE_URL`` (lead-writer's role) in the environment; `leadgen retention run`
runs it against the dev stack, and ``deploy/k8s/retention-cronjob.yaml`` nightly.

A prospect expires when it is no lead, the last campaign that met it met it before the
cutoff (``now`` - ``RETENTION_DAYS``), and none of its campaigns is still going (running
or paused: a running campaign waits for each of its prospects). An expired prospect is
*deleted*, with its campaign rows, rather than anonymised: an anonymised row would stay
erased forever (lead-writer never refills one), and a person who is merely old, not
suppressed, may be found again by a later campaign. Each deletion puts a
``prospect.erased`` in the outbox in the same transaction, which the running lead-writer's
relay publishes: scoring drops the vectors and enrichment any cached answers, as for an
erasure (no suppression entry: the person did not object). Published outbox rows older
than the cutoff go too (a ``lead.created`` is a copy of a person). What stays: leads and
their prospects, the cost ledger (no personal data), the campaign counters (aggregates),
the suppression list.

Batches are short transactions taking rows ``FOR UPDATE SKIP LOCKED`` in id order, so the
job runs beside the service without blocking or deadlocking it; a row a projection holds
is left for the next run. Running it twice is running it once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from leadgen_common.contracts import envelope_for, utcnow
from leadgen_common.contracts.events import ProspectErased
from leadgen_common.db.engine import make_engine
from leadgen_common.db.schema import campaign_progress, campaign_prospects, leads, outbox, prospects
from leadgen_common.settings import ServiceSettings
from pydantic import AwareDatetime, Field, TypeAdapter
from sqlalchemy import and_, delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from .adapters import outbox as outbox_rows
from .domain.statuses import FINAL_CAMPAIGN_STATUSES

logger = logging.getLogger(__name__)

_p, _cp, _pg = prospects.c, campaign_prospects.c, campaign_progress.c


@dataclass
class RetentionReport:
    cutoff: datetime
    prospects_deleted: int = 0
    campaign_rows_deleted: int = 0
    outbox_rows_deleted: int = 0


def _expired(cutoff: datetime):  # type: ignore[no-untyped-def]
    """Prospects that are no lead, last met before ``cutoff``, in no campaign still going."""
    last_met = select(func.max(_cp.discovered_at)).where(_cp.prospect_id == _p.id).scalar_subquery()
    final = [status.value for status in FINAL_CAMPAIGN_STATUSES]
    going = exists().where(
        _cp.prospect_id == _p.id,
        ~exists().where(_pg.campaign_id == _cp.campaign_id, _pg.status.in_(final)),
    )
    return and_(
        ~exists().where(leads.c.prospect_id == _p.id),
        func.greatest(_p.discovered_at, func.coalesce(last_met, _p.discovered_at)) < cutoff,
        ~going,
    )


async def _delete_batch(
    conn: AsyncConnection, cutoff: datetime, after: uuid.UUID | None, limit: int, run_id: str
) -> tuple[list[uuid.UUID], int]:
    """One batch: the expired prospects after ``after`` (id order) not locked by anyone,
    deleted with their campaign rows; their ids, and the campaign rows deleted."""
    where = [_expired(cutoff)] + ([_p.id > after] if after is not None else [])
    query = (
        select(_p.id, _p.team_id)
        .where(*where)
        .order_by(_p.id)
        .limit(limit)
        .with_for_update(of=prospects, skip_locked=True)
    )
    found = (await conn.execute(query)).all()
    if not found:
        return [], 0
    ids = [row.id for row in found]
    gone = await conn.execute(delete(campaign_prospects).where(_cp.prospect_id.in_(ids)))
    await conn.execute(delete(prospects).where(_p.id.in_(ids)))
    at = utcnow()
    for row in found:
        erased = ProspectErased(prospect_id=row.id, erased_at=at)
        await outbox_rows.add(
            conn, envelope_for(erased, team_id=row.team_id, correlation_id=run_id)
        )
    return ids, gone.rowcount


async def run_retention(
    engine: AsyncEngine, *, now: datetime, days: int, batch_size: int = 500
) -> RetentionReport:
    """Apply the retention rule as of ``now`` (a parameter, so tests move the clock)."""
    report = RetentionReport(cutoff=now - timedelta(days=days))
    run_id = f"retention-{now.isoformat()}"
    after: uuid.UUID | None = None
    while True:
        async with engine.begin() as conn:
            ids, rows = await _delete_batch(conn, report.cutoff, after, batch_size, run_id)
        if not ids:
            break
        report.prospects_deleted += len(ids)
        report.campaign_rows_deleted += rows
        after = ids[-1]
    async with engine.begin() as conn:
        stale = await conn.execute(
            delete(outbox).where(
                outbox.c.published_at.is_not(None), outbox.c.published_at < report.cutoff
            )
        )
        report.outbox_rows_deleted = stale.rowcount
    logger.info(
        "retention: %d prospects and %d campaign rows deleted (last met before %s), "
        "%d published outbox rows",
        report.prospects_deleted,
        report.campaign_rows_deleted,
        report.cutoff.isoformat(),
        report.outbox_rows_deleted,
    )
    return report


# ---------------------------------------------------------------------------- command
class RetentionSettings(ServiceSettings):
    service_name: str = "lead-writer-retention"
    retention_days: int = Field(
        default=90,
        ge=1,
        description="Prospects not converted within this many days of the last campaign "
        "that met them are deleted by the retention job.",
    )
    retention_batch_size: int = Field(
        default=500, ge=1, description="Prospects the retention job deletes per transaction."
    )


def _parse(argv: Sequence[str] | None, settings: RetentionSettings) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m leadgen_lead_writer.retention",
        description="Delete prospects not converted within RETENTION_DAYS (DATABASE_URL "
        "from the environment: lead-writer's role).",
    )
    parser.add_argument("--days", type=int, default=settings.retention_days)
    parser.add_argument("--batch-size", type=int, default=settings.retention_batch_size)
    parser.add_argument(
        "--now",
        type=TypeAdapter(AwareDatetime).validate_python,
        default=None,
        help="the time to apply the rule as of (default: now), e.g. 2030-01-01T00:00:00Z",
    )
    return parser.parse_args(argv)


async def _run(settings: RetentionSettings, args: argparse.Namespace) -> RetentionReport:
    engine = make_engine(settings.require_database_url(), pool_size=1)
    try:
        return await run_retention(
            engine, now=args.now or utcnow(), days=args.days, batch_size=args.batch_size
        )
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    settings = RetentionSettings()
    args = _parse(argv, settings)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    report = asyncio.run(_run(settings, args))
    print(
        f"deleted {report.prospects_deleted} prospect(s) not converted since "
        f"{report.cutoff.isoformat()} ({report.campaign_rows_deleted} campaign row(s)), "
        f"{report.outbox_rows_deleted} published outbox row(s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Key rotation job: re-encrypt every contact detail lead-writer stores to the current key.

    python -m leadgen_lead_writer.rekey [--batch-size N] [--max-passes N]

with ``DATABASE_URL`` (lead-writer's role, or an owner/admin role) and the keys
(``PII_KEYS_FILE``, or ``PII_KEYS`` + ``PII_KEY_ID``) in the environment; `leadgen keys
rotate` runs it against the dev stack after adding a new current key.

It runs while the system runs. Each batch is one short transaction that takes the rows it
re-encrypts ``FOR UPDATE SKIP LOCKED`` (keyset order by id): a row a projection holds is
passed over, never waited for, so the job never deadlocks with lead-writer's batches and
never delays them; a projection touching a row after the job re-sealed it merges into the
new ciphertexts. Rows written meanwhile by services already on the new key need nothing.
A pass ends at the end of each table; passes repeat (a service still on the old key for a
moment, a row skipped because it was locked) until no stored value names any key but the
current one, or ``max_passes`` ran. Clear text stored before encryption was introduced is
encrypted on the way.

A value that does not decrypt (tampered, or a key no longer in the ring) is left as it is
and counted; its row id is logged, never the value.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from leadgen_common.crypto import (
    CONTACT_FIELDS,
    ENRICHMENT_FIELDS,
    PREFIX,
    FieldCipher,
    PiiCryptoError,
    PiiKeySettings,
)
from leadgen_common.db.engine import make_engine
from leadgen_common.db.schema import leads, prospects
from leadgen_common.settings import ServiceSettings
from sqlalchemy import ColumnElement, Table, and_, bindparam, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SealedTable:
    """A table holding sealed values: the column naming the person, and per jsonb column
    the keys that are sealed."""

    table: Table
    prospect_column: str
    sealed: Mapping[str, Sequence[str]]

    @property
    def name(self) -> str:
        return self.table.name


#: Every place lead-writer stores contact details.
SEALED_TABLES = (
    SealedTable(
        prospects,
        "id",
        {"contact_info": CONTACT_FIELDS, "enrichment_data": ENRICHMENT_FIELDS},
    ),
    SealedTable(leads, "prospect_id", {"contact_info": CONTACT_FIELDS}),
)


@dataclass
class RekeyReport:
    current_kid: str
    rewritten: dict[str, int] = field(default_factory=dict)  # table -> rows re-sealed
    failed: dict[str, list[str]] = field(default_factory=dict)  # table -> row ids
    remaining: dict[str, int] = field(default_factory=dict)  # rows still naming other keys
    passes: int = 0

    @property
    def complete(self) -> bool:
        return not any(self.remaining.values()) and not any(self.failed.values())


def stale(target: SealedTable, kid: str) -> ColumnElement[bool]:
    """Rows with a stored value (ciphertext or clear) not sealed under ``kid``."""
    prefix = f"{PREFIX}{kid}:"
    conditions = []
    for column, names in target.sealed.items():
        for name in names:
            value = target.table.c[column][name].astext
            conditions.append(and_(value.is_not(None), ~value.startswith(prefix, autoescape=True)))
    return or_(false(), *conditions)


def _resealed(cipher: FieldCipher, target: SealedTable, row: Any) -> dict[str, dict[str, Any]]:
    where = {"team_id": row.team_id, "prospect_id": row.prospect_id}
    out = {}
    for column, names in target.sealed.items():
        data = dict(getattr(row, column) or {})
        for name in names:
            if data.get(name) is not None:
                data[name] = cipher.rekey(data[name], field=name, **where)
        out[column] = data
    return out


async def rekey_batch(
    conn: AsyncConnection,
    cipher: FieldCipher,
    target: SealedTable,
    *,
    after: Any,
    limit: int,
    skip: set[Any],
) -> tuple[int, Any, list[Any]]:
    """Re-seal up to ``limit`` stale rows with ids above ``after`` (None: from the start),
    in the caller's transaction. Returns (rows rewritten, last id seen or None when the
    table is done, ids that failed)."""
    t = target.table
    kid = cipher.current_kid
    query = (
        select(
            t.c.id,
            t.c.team_id,
            t.c[target.prospect_column].label("prospect_id"),
            *(t.c[column] for column in target.sealed),
        )
        .where(stale(target, kid))
        .order_by(t.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if after is not None:
        query = query.where(t.c.id > after)
    if skip:
        query = query.where(t.c.id.not_in(sorted(skip)))
    rows = (await conn.execute(query)).all()
    if not rows:
        return 0, None, []
    updates, failed = [], []
    for row in rows:
        try:
            updates.append({"_id": row.id, **_resealed(cipher, target, row)})
        except PiiCryptoError as exc:
            failed.append(row.id)
            logger.error(
                "cannot re-encrypt a row: %s",
                type(exc).__name__,
                extra={"fields": {"table": target.name, "row_id": str(row.id)}},
            )
    if updates:
        statement = (
            update(t)
            .where(t.c.id == bindparam("_id"))
            .values({column: bindparam(column) for column in target.sealed})
        )
        await conn.execute(statement, updates)
    return len(updates), rows[-1].id, failed


async def count_stale(engine: AsyncEngine, kid: str) -> dict[str, int]:
    async with engine.connect() as conn:
        return {
            target.name: (
                await conn.execute(
                    select(func.count()).select_from(target.table).where(stale(target, kid))
                )
            ).scalar_one()
            for target in SEALED_TABLES
        }


async def rekey(
    engine: AsyncEngine,
    cipher: FieldCipher,
    *,
    batch_size: int = 500,
    max_passes: int = 10,
    pass_pause_s: float = 0.5,
) -> RekeyReport:
    """Re-seal every stored contact detail under ``cipher``'s current key (see module)."""
    kid = cipher.current_kid
    report = RekeyReport(kid)
    failed: dict[str, set[Any]] = {t.name: set() for t in SEALED_TABLES}
    for number in range(1, max_passes + 1):
        report.passes = number
        for target in SEALED_TABLES:
            after = None
            while True:
                async with engine.begin() as conn:
                    done, after, bad = await rekey_batch(
                        conn,
                        cipher,
                        target,
                        after=after,
                        limit=batch_size,
                        skip=failed[target.name],
                    )
                report.rewritten[target.name] = report.rewritten.get(target.name, 0) + done
                failed[target.name].update(bad)
                if after is None:
                    break
        remaining = await count_stale(engine, kid)
        report.remaining = {name: count - len(failed[name]) for name, count in remaining.items()}
        if not any(report.remaining.values()):
            break
        await asyncio.sleep(pass_pause_s)  # a row locked now, a writer about to reload
    report.failed = {name: sorted(str(i) for i in ids) for name, ids in failed.items()}
    return report


# ---------------------------------------------------------------------------- command
class RekeySettings(ServiceSettings, PiiKeySettings):
    service_name: str = "lead-writer-rekey"


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m leadgen_lead_writer.rekey",
        description="Re-encrypt lead-writer's stored contact details to the current key "
        "(DATABASE_URL and PII_KEYS_FILE or PII_KEYS/PII_KEY_ID from the environment).",
    )
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--max-passes", type=int, default=10)
    return parser.parse_args(argv)


async def _run(settings: RekeySettings, args: argparse.Namespace) -> RekeyReport:
    engine = make_engine(settings.require_database_url(), pool_size=1)
    try:
        return await rekey(
            engine,
            settings.pii_cipher(),
            batch_size=args.batch_size,
            max_passes=args.max_passes,
        )
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    report = asyncio.run(_run(RekeySettings(), args))
    for name in report.rewritten:
        print(
            f"{name}: {report.rewritten[name]} row(s) re-encrypted to {report.current_kid}, "
            f"{len(report.failed.get(name, []))} unreadable, "
            f"{report.remaining.get(name, 0)} still under another key"
        )
    print(f"{report.passes} pass(es); {'complete' if report.complete else 'INCOMPLETE'}")
    return 0 if report.complete else 1


if __name__ == "__main__":
    sys.exit(main())

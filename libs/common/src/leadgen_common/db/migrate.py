"""Run the Alembic migrations from Python or the command line, as the admin (owner) role.

    upgrade("postgresql://admin:pw@127.0.0.1:5432/leadgen")      # to head
    python -m leadgen_common.db.migrate postgresql://admin:pw@127.0.0.1:5432/leadgen

The whole upgrade runs in one transaction on one asyncpg connection, so a failed upgrade
leaves the database as it was.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from .engine import make_engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    """A Config for this package's migrations (no alembic.ini needed).

    With ``connection`` the env runs on it; without, set ``sqlalchemy.url`` on the result
    (``command.revision(cfg, message, autogenerate=True)`` makes the next revision).
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


async def _run(admin_url: str, step: Callable[[Config], None]) -> None:
    engine = make_engine(admin_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync_conn: step(alembic_config(sync_conn)))
    finally:
        await engine.dispose()


async def upgrade_async(admin_url: str, revision: str = "head") -> None:
    await _run(admin_url, lambda cfg: command.upgrade(cfg, revision))


async def downgrade_async(admin_url: str, revision: str) -> None:
    await _run(admin_url, lambda cfg: command.downgrade(cfg, revision))


def _blocking(coro: Coroutine[Any, Any, None]) -> None:
    """asyncio.run, also when the caller is itself inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coro)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


def upgrade(admin_url: str, revision: str = "head") -> None:
    """Migrate the database at ``admin_url`` up to ``revision``; a no-op when already there."""
    _blocking(upgrade_async(admin_url, revision))


def downgrade(admin_url: str, revision: str) -> None:
    """Migrate down to ``revision`` (``"base"`` drops every table; roles stay: cluster-wide)."""
    _blocking(downgrade_async(admin_url, revision))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2):
        print("usage: python -m leadgen_common.db.migrate ADMIN_URL [REVISION]", file=sys.stderr)
        return 2
    upgrade(*args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Run the Alembic migrations from Python or the command line, as the admin (owner) role.

    upgrade("postgresql://admin:pw@127.0.0.1:5432/leadgen")      # to head
    python -m leadgen_common.db.migrate postgresql://admin:pw@127.0.0.1:5432/leadgen

The whole upgrade runs in one transaction on one asyncpg connection, so a failed upgrade
leaves the database as it was.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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


#: Alembic keeps its running context in module globals: one migration per process at a
#: time. Between processes (replicas) the env's advisory lock serialises them.
_PROCESS_LOCK = threading.Lock()


async def _run(admin_url: str, step: Callable[[Config], None]) -> None:
    engine = make_engine(admin_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync_conn: step(alembic_config(sync_conn)))
    finally:
        await engine.dispose()


def _locked(admin_url: str, step: Callable[[Config], None]) -> None:
    """Runs on a thread with no event loop of its own (asyncio.run needs that)."""
    with _PROCESS_LOCK:
        asyncio.run(_run(admin_url, step))


def _blocking(admin_url: str, step: Callable[[Config], None]) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        _locked(admin_url, step)
        return
    # Called from async code (the dev stack, a test): keep that loop out of it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_locked, admin_url, step).result()


def _up(revision: str) -> Callable[[Config], None]:
    return lambda cfg: command.upgrade(cfg, revision)


def _down(revision: str) -> Callable[[Config], None]:
    return lambda cfg: command.downgrade(cfg, revision)


def upgrade(admin_url: str, revision: str = "head") -> None:
    """Migrate the database at ``admin_url`` up to ``revision``; a no-op when already there."""
    _blocking(admin_url, _up(revision))


def downgrade(admin_url: str, revision: str) -> None:
    """Migrate down to ``revision`` (``"base"`` drops every table; roles stay: cluster-wide)."""
    _blocking(admin_url, _down(revision))


async def upgrade_async(admin_url: str, revision: str = "head") -> None:
    """``upgrade`` without blocking the caller's event loop."""
    await asyncio.to_thread(_locked, admin_url, _up(revision))


async def downgrade_async(admin_url: str, revision: str) -> None:
    await asyncio.to_thread(_locked, admin_url, _down(revision))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2):
        print("usage: python -m leadgen_common.db.migrate ADMIN_URL [REVISION]", file=sys.stderr)
        return 2
    upgrade(*args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

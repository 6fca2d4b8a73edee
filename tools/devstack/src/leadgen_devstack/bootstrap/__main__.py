"""``python -m leadgen_devstack.bootstrap --home DIR``: one-time setup of a fresh stack
whose tansu and postgres are starting (ports in run/state.json, superuser password in
secrets; it waits for both):
database, migrations and role passwords, and every topic, concurrently.

A separate short-lived process so the long-lived supervisor never loads SQLAlchemy,
Alembic and the Kafka admin client. On success the database URLs are added to the
secrets file; on failure the last stdout line is ``{"server": ..., "reason": ...}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from pathlib import Path

from ..concurrency import all_of
from ..envfile import read_env, write_env
from ..paths import StatePaths
from ..ports import HOST
from ..state import StackState
from .database import setup_database
from .topics import create_topics


class BootstrapError(Exception):
    def __init__(self, server: str, reason: str) -> None:
        super().__init__(f"{server}: {reason}")
        self.server = server
        self.reason = reason


async def _database(port: int, superuser_password: str) -> dict[str, str]:
    try:
        return await setup_database(port, superuser_password)
    except Exception as exc:
        raise BootstrapError("postgres", f"database setup failed: {exc!r}") from exc


async def _topics(port: int, partitions: int) -> None:
    try:
        names = await create_topics(f"{HOST}:{port}", partitions)
    except Exception as exc:
        raise BootstrapError("tansu", f"creating topics failed: {exc!r}") from exc
    logging.info("%d topics with %d partitions each", len(names), partitions)


async def bootstrap(paths: StatePaths, partitions: int) -> None:
    state = StackState.load(paths.state)
    assert state is not None, "no run/state.json: the supervisor writes it first"
    secrets = read_env(paths.secrets)
    urls, _ = await all_of(
        _database(state.ports["postgres"], secrets["POSTGRES_SUPERUSER_PASSWORD"]),
        _topics(state.ports["tansu"], partitions),
    )
    write_env(paths.secrets, {**secrets, **urls}, mode=0o600)
    logging.info("database migrated; every role has a password")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m leadgen_devstack.bootstrap")
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--partitions", type=int, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        asyncio.run(bootstrap(StatePaths(args.home.absolute()), args.partitions))
    except BootstrapError as err:
        print(json.dumps({"server": err.server, "reason": err.reason}), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

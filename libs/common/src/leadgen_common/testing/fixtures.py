"""pytest fixtures for a real Postgres, shared by every package's tests (a pytest plugin:
the root conftest.py names it in ``pytest_plugins``, so each suite gets it, alone or all
together).

- ``pg_cluster`` (session): one embedded Postgres for the whole session, always stopped;
- ``template_db`` (session): the name of a database migrated to head once per session;
- ``migrated_urls`` (session): ``await migrated_urls("gateway")`` -> ``{"admin": ...,
  "gateway": ...}``, URLs of a new copy of the template as its owner and as the service's
  own role (copying a template is much faster than migrating).
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Iterator

import pytest

from ..db.migrate import upgrade_async
from . import PgCluster, running_postgres

TEMPLATE = "leadgen_template"

MigratedUrls = Callable[..., Awaitable[dict[str, str]]]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    with running_postgres() as cluster:
        yield cluster


@pytest.fixture(scope="session")
async def template_db(pg_cluster: PgCluster) -> str:
    """A database migrated to head once; tests get copies of it, never it."""
    await upgrade_async(await pg_cluster.create_database(TEMPLATE))
    return TEMPLATE


@pytest.fixture(scope="session")
def migrated_urls(pg_cluster: PgCluster, template_db: str) -> MigratedUrls:
    """``await migrated_urls(service=None)``: URLs of a new database migrated to head."""
    numbers = itertools.count()

    async def create(service: str | None = None) -> dict[str, str]:
        name = f"{(service or 'db').replace('-', '_')}_{next(numbers)}"
        await pg_cluster.create_database(name, template=template_db)
        return pg_cluster.role_urls(name, service)

    return create

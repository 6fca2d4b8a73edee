"""Alembic environment: runs on a connection handed over by ``leadgen_common.db.migrate``.

``migrate.upgrade`` opens an asyncpg connection and passes it in ``config.attributes``;
the ``alembic`` CLI works too when ``sqlalchemy.url`` (or DATABASE_ADMIN_URL) is set.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from leadgen_common.db.engine import make_engine
from leadgen_common.db.schema import metadata
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

#: Serialises concurrent migrators (several replicas starting at once) on one database.
MIGRATION_LOCK_KEY = 0x1EAD_6E4


def run_on(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
        context.run_migrations()


async def run_from_url(url: str) -> None:
    engine = make_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(run_on)
    finally:
        await engine.dispose()


def main() -> None:
    if context.is_offline_mode():
        raise RuntimeError("leadgen migrations run online only (roles and grants need a server)")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or os.environ["DATABASE_ADMIN_URL"]
    asyncio.run(run_from_url(url))


main()

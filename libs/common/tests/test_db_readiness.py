"""The database readiness check every service's /readyz uses: true on a live Postgres,
raising (so /readyz says not ready) when it is gone or does not answer in time."""

from __future__ import annotations

import asyncio

import pytest
from leadgen_common.db.engine import database_answers, database_check, make_engine
from sqlalchemy.pool import NullPool


async def test_a_live_database_answers(empty_db: str) -> None:
    engine = make_engine(empty_db, poolclass=NullPool)
    try:
        assert await database_answers(engine) is True
        assert await database_check(engine, timeout_s=5)() is True
    finally:
        await engine.dispose()


async def test_a_missing_server_raises() -> None:
    engine = make_engine("postgresql://u@/db?host=/nonexistent-leadgen-socket-dir")
    try:
        with pytest.raises(OSError):
            await database_check(engine)()
    finally:
        await engine.dispose()


async def test_a_server_that_never_answers_times_out() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # accepts the connection, never speaks the protocol
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    engine = make_engine(f"postgresql://u@127.0.0.1:{port}/db", pool_pre_ping=False)
    try:
        with pytest.raises(TimeoutError):
            await database_check(engine, timeout_s=0.2)()
    finally:
        await engine.dispose()
        server.close()
        await server.wait_closed()

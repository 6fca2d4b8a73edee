"""The gateway's Postgres connection pool (its own role: writes only its own tables).

Every tenant table is under forced row-level security (revision 0008): the gateway's role
sees and writes only the rows of the team named by the transaction-local setting
``leadgen.team_id``, and no row at all without it. The only way to a connection here is
:meth:`Database.transaction`, which takes the authenticated principal and sets its team
(from the token, never from the request) before anything else runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from leadgen_common.auth import Principal
from leadgen_common.db.engine import database_answers, make_engine
from leadgen_common.db.tenancy import set_team
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


class Database:
    """Opened by the app's startup hook, so building the app (OpenAPI export) needs no DB."""

    def __init__(self, url: str | None, *, pool_size: int = 10) -> None:
        self._url = url
        self._pool_size = pool_size
        self._engine: AsyncEngine | None = None

    @classmethod
    def from_engine(cls, engine: AsyncEngine) -> Database:
        db = cls(None)
        db._engine = engine
        return db

    def _opened(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("database is not open")
        return self._engine

    @asynccontextmanager
    async def transaction(self, who: Principal) -> AsyncIterator[AsyncConnection]:
        """A connection in a transaction scoped to ``who``'s team (``SET LOCAL
        leadgen.team_id`` as a bound parameter); commits on success, rolls back on error."""
        async with self._opened().begin() as conn:
            await set_team(conn, who.team_id)
            yield conn

    async def open(self) -> None:
        if self._engine is None:
            if self._url is None:
                raise RuntimeError("gateway: DATABASE_URL is not set")
            self._engine = make_engine(self._url, pool_size=self._pool_size)

    async def close(self) -> None:
        if self._engine is not None and self._url is not None:
            await self._engine.dispose()
            self._engine = None

    async def ping(self) -> bool:
        return await database_answers(self._opened())

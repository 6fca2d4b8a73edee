"""The gateway's Postgres connection pool (its own role: writes only its own tables)."""

from __future__ import annotations

from leadgen_common.db.engine import database_answers, make_engine
from sqlalchemy.ext.asyncio import AsyncEngine


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

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("database is not open")
        return self._engine

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
        return await database_answers(self.engine)

"""Async SQLAlchemy engines on asyncpg, from whatever Postgres URL a setting holds."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext import asyncio as sa_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

_POSTGRES_SCHEMES = {"postgres", "postgresql"}


def asyncpg_url(url: str | URL) -> URL:
    """``postgresql://``, ``postgres://`` or ``postgresql+<driver>://`` -> ``postgresql+asyncpg://``."""
    parsed = make_url(url) if isinstance(url, str) else url
    backend = parsed.drivername.split("+", 1)[0]
    if backend not in _POSTGRES_SCHEMES:
        raise ValueError(f"not a Postgres URL: {parsed.render_as_string(hide_password=True)}")
    return parsed.set(drivername="postgresql+asyncpg")


def libpq_url(url: str | URL) -> str:
    """The same database as a plain ``postgresql://`` string (asyncpg.connect, psql)."""
    return asyncpg_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def make_engine(url: str | URL, **kw: Any) -> AsyncEngine:
    """An ``AsyncEngine`` on asyncpg; ``kw`` goes to ``create_async_engine`` (pool sizes...).

    Statement parameters are kept out of error messages (``hide_parameters``): a failed
    insert's message would otherwise quote names, profile URLs and contact details into
    logs and dead-letter headers.

    ``create_async_engine`` is looked up on its module at each call, not imported: tracing
    (:mod:`leadgen_common.telemetry`) wraps it there once the service configured it, so the
    engines made afterwards trace their queries."""
    kw.setdefault("pool_pre_ping", True)
    kw.setdefault("hide_parameters", True)
    return sa_asyncio.create_async_engine(asyncpg_url(url), **kw)


async def database_answers(engine: AsyncEngine, timeout_s: float | None = None) -> bool:
    """Whether ``SELECT 1`` answers (within ``timeout_s``, if given); a database that is
    down raises, which a readiness probe reports as not ready."""

    async def ping() -> bool:
        async with engine.connect() as conn:
            return (await conn.execute(text("SELECT 1"))).scalar() == 1

    return await (ping() if timeout_s is None else asyncio.wait_for(ping(), timeout_s))


def database_check(
    engine: AsyncEngine, timeout_s: float | None = None
) -> Callable[[], Awaitable[bool]]:
    """The ``database`` readiness check of a service's /readyz (``create_service_app``)."""
    return partial(database_answers, engine, timeout_s)

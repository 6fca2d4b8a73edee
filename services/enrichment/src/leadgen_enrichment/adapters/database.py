"""The service's Postgres engine (its own role: SELECT everywhere)."""

from __future__ import annotations

from leadgen_common.db.engine import make_engine
from sqlalchemy.ext.asyncio import AsyncEngine


def engine_for(url: str, *, pool_size: int, timeout_s: float) -> AsyncEngine:
    """Bounded connect and statement time: a slow database makes a read fail (and the
    caller fail open), never hang a prospect."""
    return make_engine(
        url, pool_size=pool_size, connect_args={"timeout": timeout_s, "command_timeout": timeout_s}
    )

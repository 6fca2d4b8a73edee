"""Is this failure a dependency being down (Postgres, Redis, a socket) rather than this
message being wrong?

A message whose handler failed because Postgres is restarting is not a bad message: it
must wait for the database, however long that takes, and never be dead-lettered for it.
The EventBus retries such failures without counting them against ``HANDLER_RETRIES``.
"""

from __future__ import annotations

import asyncpg
import redis.exceptions
from sqlalchemy import exc as sa_exc

#: Raised (or wrapped) when a connection could not be made or was lost.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    ConnectionError,  # refused, reset, aborted (OSError subclasses)
    TimeoutError,
    asyncpg.exceptions.CannotConnectNowError,  # the server is starting or shutting down
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.ConnectionFailureError,
    asyncpg.exceptions.AdminShutdownError,  # terminated by a fast shutdown
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


def is_unavailable(exc: BaseException) -> bool:
    """True if ``exc``, or anything in its cause/context chain, says a dependency is
    unreachable (SQLAlchemy wraps driver errors; a disconnect it noticed is flagged)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _UNAVAILABLE):
            return True
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, asyncpg.exceptions.InterfaceError) and "closed" in str(current):
            return True  # "connection is closed": a pooled connection the restart killed
        if isinstance(current, OSError) and not isinstance(
            current, (FileNotFoundError, PermissionError)
        ):
            return True  # "Multiple exceptions: ... Connect call failed" is a bare OSError
        current = current.__cause__ or current.__context__
    return False

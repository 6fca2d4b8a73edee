"""Query parameters and helpers shared by the keyset-paginated list routes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import Query
from sqlalchemy import RowMapping

from ..domain.cursor import BadCursor, decode_cursor, encode_cursor
from ..errors import ApiError, invalid

Limit = Annotated[int, Query(ge=1, le=200, description="Page size (1-200).")]
Cursor = Annotated[
    str | None, Query(description="`nextCursor` of the previous page; omit for the first.")
]

T = TypeVar("T")


def bad_cursor() -> ApiError:
    return invalid("cursor", "not a cursor this API issued")


def time_key(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """(created_at, id) of the last item of the previous page."""
    if cursor is None:
        return None
    try:
        at, last = decode_cursor(cursor, 2)
        return datetime.fromisoformat(at), uuid.UUID(last)
    except (BadCursor, TypeError, ValueError) as exc:
        raise bad_cursor() from exc


def time_cursor(row: RowMapping) -> str:
    return encode_cursor(row["created_at"].isoformat(), str(row["id"]))


def page_of(
    rows: Sequence[RowMapping],
    limit: int,
    item: Callable[[RowMapping], T],
    cursor: Callable[[RowMapping], str],
) -> tuple[list[T], str | None]:
    """The items of a ``limit + 1`` fetch, and the cursor when there is a next page."""
    more = len(rows) > limit
    shown = rows[:limit]
    return [item(r) for r in shown], (cursor(shown[-1]) if more else None)

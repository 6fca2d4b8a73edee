"""Keyset pagination of the gateway's "newest first" listings (ICPs, campaigns, leads,
webhooks and their deliveries): the page after a ``(created_at, id)`` cursor."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, Table, tuple_


def newest_first(
    query: Select[Any], table: Table, *, limit: int, after: tuple[datetime, UUID] | None
) -> Select[Any]:
    """``query`` ordered by ``table``'s (created_at, id), newest first, from after the
    cursor; ``limit + 1`` rows so the caller knows whether a next page exists."""
    created_at, id_ = table.c.created_at, table.c.id
    if after is not None:
        query = query.where(tuple_(created_at, id_) < tuple_(*after))
    return query.order_by(created_at.desc(), id_.desc()).limit(limit + 1)

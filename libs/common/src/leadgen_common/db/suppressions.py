"""Reading a team's suppression list (lead-writer's ``suppressions`` table; every service
role may read it): which of many people are suppressed, in one query."""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ..suppression import Entry
from .schema import suppressions

K = TypeVar("K", bound=Hashable)

#: One person to check: their team and every entry that would suppress them.
Candidate = tuple[uuid.UUID, Iterable[Entry]]


async def suppressed(conn: AsyncConnection, people: Mapping[K, Candidate]) -> set[K]:
    """The keys of ``people`` (of any teams) that one of their team's entries names."""
    wanted: dict[tuple[uuid.UUID, str, str], list[K]] = {}
    for key, (team_id, entries) in people.items():
        for found in entries:
            wanted.setdefault((team_id, found.kind.value, found.digest), []).append(key)
    if not wanted:
        return set()
    s = suppressions.c
    query = select(s.team_id, s.kind, s.value).where(
        tuple_(s.team_id, s.kind, s.value).in_(sorted(wanted, key=str))
    )
    listed = (await conn.execute(query)).all()
    return {key for row in listed for key in wanted[(row.team_id, row.kind, row.value)]}


class SuppressionList:
    """The list as a service checks it outside any transaction of its own (its own role:
    every service may read the table)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def suppressed(self, people: Mapping[K, Candidate]) -> set[K]:
        if not people:
            return set()
        async with self.engine.connect() as conn:
            return await suppressed(conn, people)

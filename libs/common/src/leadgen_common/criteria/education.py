"""An ICP's education text -> Facebook education_statuses and education_majors.

"Bachelor's or higher in Computer Science or related field" is every status from a
completed bachelor's up (ALUM, IN_GRAD_SCHOOL, SOME_GRAD_SCHOOL, MASTER_DEGREE,
PROFESSIONAL_DEGREE, DOCTORATE_DEGREE) and the major Computer Science. Without "or higher"
only the levels named are targeted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from . import facebook_catalog
from .phrases import PhraseIndex, has_phrase
from .tables import load

Entry = dict[str, str]


@dataclass(frozen=True, slots=True)
class Status:
    id: int
    name: str
    rank: int


@cache
def _table() -> dict[str, Any]:
    return load("facebook.json")


@cache
def statuses() -> dict[str, Status]:
    """Enum name -> status (Facebook's documented education_statuses integers)."""
    return {
        row["name"]: Status(row["id"], row["name"], row["rank"])
        for row in _table()["education_statuses"]
    }


@cache
def _levels() -> PhraseIndex:
    rows = _table()["education_statuses"]
    return PhraseIndex.build((row["name"], row["phrases"]) for row in rows)


def statuses_in(text: str) -> list[int]:
    """Education status ids a text names ("or higher" adds every higher level), sorted."""
    named = [statuses()[name] for name in _levels().names_in(text)]
    if not named:
        return []
    if any(has_phrase(text, phrase) for phrase in _table()["education_or_higher"]):
        lowest = min(status.rank for status in named)
        named = [s for s in statuses().values() if s.rank >= lowest]
    return sorted({status.id for status in named})


def status_for(value: str) -> list[int] | None:
    """An override value: a status id ("9"), an enum name ("MASTER_DEGREE") or a text."""
    by_id = {status.id for status in statuses().values()}
    if value.strip().isdigit():
        return [int(value)] if int(value) in by_id else None
    named = statuses().get(value.strip().upper())
    if named is not None:
        return [named.id]
    return statuses_in(value) or None


def majors_in(text: str) -> list[Entry]:
    return facebook_catalog.majors().named_in(text)

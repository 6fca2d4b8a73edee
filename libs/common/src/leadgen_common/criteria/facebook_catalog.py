"""Facebook's targeting vocabularies (data/facebook_*.json): work positions, industries,
interests, behaviors, education statuses and majors, each entry as ``{"id", "name"}``.

Facebook answers these through its targeting search; the tables stand in for it (ids
modeled for the sandbox, see each file's _doc). The sandbox reads the same tables, so an id
means one thing on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from .phrases import PhraseIndex
from .tables import Lookup, linkedin_industries, load, text_key

Entry = dict[str, str]  # {"id": ..., "name": ...}


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """One targeting field's entries: by name and by id."""

    by_name: dict[str, Entry]
    by_id: dict[str, Entry]

    @classmethod
    def of(cls, rows: list[dict[str, Any]]) -> Vocabulary:
        entries = [{"id": str(row["id"]), "name": row["name"]} for row in rows]
        return cls({e["name"]: e for e in entries}, {e["id"]: e for e in entries})


@cache
def _positions_table() -> dict[str, Any]:
    return load("facebook_work_positions.json")


@cache
def work_positions() -> Vocabulary:
    return Vocabulary.of(_positions_table()["work_positions"])


@cache
def work_position_names() -> Lookup:
    """A job title (name or alias, any case) -> the work position's name."""
    spellings: dict[str, str] = {}
    for row in _positions_table()["work_positions"]:
        for spelling in (row["name"], *row["aliases"]):
            spellings.setdefault(text_key(spelling), row["name"])
    return Lookup("facebook_work_positions.json", spellings)


@cache
def industries() -> Vocabulary:
    return Vocabulary.of(load("facebook_industries.json")["industries"])


def industries_for(value: str) -> list[Entry] | None:
    """The Facebook industries an ICP industry targets, or None if it is not known."""
    canonical = linkedin_industries().get(value)
    if canonical is None:
        return None
    names = load("facebook_industries.json")["from_industries"][canonical]
    return [industries().by_name[name] for name in names]


@dataclass(frozen=True, slots=True)
class Topics:
    """Interests or behaviors: entries and the keyword phrases that name them."""

    vocabulary: Vocabulary
    index: PhraseIndex

    def named_in(self, text: str) -> list[Entry]:
        return [self.vocabulary.by_name[name] for name in self.index.names_in(text)]


def _topics(table: str, section: str) -> Topics:
    rows = load(table)[section]
    index = PhraseIndex.build((row["name"], [row["name"], *row["keywords"]]) for row in rows)
    return Topics(Vocabulary.of(rows), index)


@cache
def interests() -> Topics:
    return _topics("facebook_interests.json", "interests")


@cache
def behaviors() -> Topics:
    return _topics("facebook_behaviors.json", "behaviors")


@cache
def majors() -> Topics:
    rows = load("facebook.json")["education_majors"]
    index = PhraseIndex.build((row["name"], [row["name"], *row["phrases"]]) for row in rows)
    return Topics(Vocabulary.of(rows), index)

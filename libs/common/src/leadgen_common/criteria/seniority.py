"""LinkedIn seniority levels, and the level a job title names (linkedin_seniorities.json).

"CTO" is CXO, "VP Engineering" VP, "Head of Product" Director, "Senior Product Manager"
Senior; "Software Engineer" names no level. Rules are tried in the table's order and the
first whose phrase the title contains (and none of whose exceptions) wins.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .tables import Lookup, load, text_key


@cache
def _table() -> dict[str, Any]:
    return load("linkedin_seniorities.json")


@cache
def ranked() -> tuple[str, ...]:
    """Seniority names, most senior first."""
    return tuple(row["name"] for row in _table()["seniorities"])


@cache
def ids() -> dict[str, str]:
    """Seniority name -> LinkedIn's standardized seniority id."""
    return {row["name"]: row["id"] for row in _table()["seniorities"]}


@cache
def names() -> Lookup:
    """Every name, alias and id of a level -> its name (for campaign overrides)."""
    spellings: dict[str, str] = {}
    for row in _table()["seniorities"]:
        for spelling in (row["name"], row["id"], *row["aliases"]):
            spellings.setdefault(text_key(spelling), row["name"])
    return Lookup("linkedin_seniorities.json", spellings)


@cache
def _rules() -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """(level, phrases, exceptions), each phrase as a text key padded with spaces."""

    def padded(phrases: list[str]) -> tuple[str, ...]:
        return tuple(f" {text_key(p)} " for p in phrases)

    return tuple(
        (rule["seniority"], padded(rule["phrases"]), padded(rule["unless"]))
        for rule in _table()["rules"]
    )


def seniority_of(title: str) -> str | None:
    """The seniority level a job title names, or None if it names none."""
    text = f" {text_key(title)} "
    for level, phrases, exceptions in _rules():
        if any(p in text for p in phrases) and not any(e in text for e in exceptions):
            return level
    return None


def in_rank_order(levels: list[str]) -> list[str]:
    """Distinct levels, most senior first."""
    return [name for name in ranked() if name in levels]

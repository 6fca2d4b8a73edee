"""X API v2 query syntax: quoted phrases, OR groups in parentheses, and a length limit met
by dropping the least important terms first.

    (CTO OR "VP Engineering") (SaaS OR cybersecurity OR "devops automation")

Terms are ANDed across groups and ORed within one. A term that is one plain word stays
bare; anything else (spaces, punctuation, a reserved word such as OR) is quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BARE = re.compile(r"^\w+$")


def quoted(term: str, reserved: frozenset[str]) -> str:
    """One term as X's syntax takes it (double quotes inside a term cannot be escaped)."""
    text = " ".join(term.replace('"', " ").split())
    if _BARE.match(text) and text.casefold() not in reserved:
        return text
    return f'"{text}"'


def group(terms: list[str]) -> str:
    """Already quoted terms as one OR group ("" when empty, the term alone when one)."""
    if len(terms) <= 1:
        return "".join(terms)
    return "(" + " OR ".join(terms) + ")"


@dataclass(frozen=True, slots=True)
class Fitted:
    query: str
    groups: list[list[str]]  # the raw terms kept, per group
    dropped: list[str]  # raw terms left out, least important first


def fit(
    groups: list[list[str]], operators: list[str], limit: int, reserved: frozenset[str]
) -> Fitted:
    """The query of ``groups`` (most important group first, most important term first in
    each) within ``limit`` characters: terms are dropped from the end of the last group
    that has any, then of the one before. Operators never go."""
    kept = [list(terms) for terms in groups]
    dropped: list[str] = []
    query = _render(kept, operators, reserved)
    while len(query) > limit and any(kept):
        last = max(i for i, terms in enumerate(kept) if terms)
        dropped.append(kept[last].pop())
        query = _render(kept, operators, reserved)
    return Fitted(query, kept, dropped)


def _render(groups: list[list[str]], operators: list[str], reserved: frozenset[str]) -> str:
    parts = [group([quoted(t, reserved) for t in terms]) for terms in groups]
    if not any(parts):
        return ""
    return " ".join([p for p in parts if p] + operators)

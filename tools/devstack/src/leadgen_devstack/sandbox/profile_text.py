"""Free-text search over profiles without holding 200,000 texts: one table per column.

A profile's text is assembled from column values (render.py), so a word or phrase is in
someone's profile exactly when it is in the text of one of their values. Each search
judges every distinct value of a column once and spreads the verdict with masks
(selection.py):

- ``keyword_mask`` -- LinkedIn keywords: a phrase matches a profile containing all its
  (lightly stemmed) words anywhere in headline, summary, title, skills, employer name,
  industry or city;
- ``phrase_mask`` -- X users search: a term matches a bio containing its words in a row
  (case-insensitive, no stemming), as X matches a quoted phrase.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache

from .concerns import PHRASINGS, VALUES
from .geo import CITIES
from .industries import INDUSTRIES
from .matching import text_words
from .roles import ALL_SKILLS, TITLE_ROLES, TITLES
from .selection import and_, by_company, company_mask, or_

_TOKEN = re.compile(r"[a-z0-9]+")
#: Words every LinkedIn summary has besides its values ("... company in ... with a focus on").
_TEMPLATE_WORDS = text_words("company focus")
_LANE = 8  # words judged per pass: one bit each in a byte


def tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text.lower()))


def contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    width = len(needle)
    return any(haystack[i : i + width] == needle for i in range(len(haystack) - width + 1))


def verb(title_index: int) -> str:
    """The summary's verb for a title's seniority (render.summary says the same)."""
    return "work on" if TITLE_ROLES[title_index].seniority in ("IC", "Senior IC") else "lead"


def x_bio_terms(industry_index: int) -> str:
    return " · ".join(INDUSTRIES[industry_index].bio_terms)


def x_handle(domain: str) -> str:
    return domain.split(".")[0]


class ProfileText:
    """The text-bearing columns of a population and their per-value vocabularies."""

    def __init__(self, population) -> None:
        self.population = population
        people = population.people_columns
        self.columns = people
        # (column, words of each value) for LinkedIn's keywords
        self.keyword_parts = (
            (people.title, [text_words(f"{t} {verb(i)} {TITLE_ROLES[i].function}")
                            for i, t in enumerate(TITLES)]),
            (people.industry, [text_words(i.name) for i in INDUSTRIES]),
            (people.city, [text_words(c.name) for c in CITIES]),
            (people.pain1, [text_words(p) for p in PHRASINGS]),
            (people.pain2, [text_words(p) for p in PHRASINGS]),
            (people.value, [text_words(v) for v in VALUES]),
            *((slot, [text_words(s) for s in ALL_SKILLS]) for slot in people.skills),
        )  # fmt: skip
        # (column, tokens of each value) for X bios
        self.phrase_parts = (
            (people.title, [tokens(t) for t in TITLES]),
            (people.industry, [tokens(x_bio_terms(i)) for i in range(len(INDUSTRIES))]),
            (people.pain1, [tokens(p) for p in PHRASINGS]),
            (people.pain2, [tokens(p) for p in PHRASINGS]),
        )
        self.keyword_mask = lru_cache(maxsize=256)(self._keyword_mask)
        self.phrase_mask = lru_cache(maxsize=256)(self._phrase_mask)

    @cached_property
    def company_words(self) -> tuple[frozenset[str], ...]:
        return tuple(text_words(name) for name in self.population.company_columns.name)

    @cached_property
    def company_handles(self) -> tuple[tuple[str, ...], ...]:
        return tuple((x_handle(d),) for d in self.population.company_columns.domain)

    def _keyword_mask(self, words: frozenset[str]) -> bytes:
        """People whose profile contains every word (text_words form) of a keyword phrase."""
        ordered = sorted(words)
        lanes = [ordered[i : i + _LANE] for i in range(0, len(ordered), _LANE)] or [[]]
        size = len(self.columns)
        masks = [self._lane(lane, size) for lane in lanes]
        return and_(*masks)

    def _lane(self, lane: list[str], size: int) -> bytes:
        bit = {word: 1 << i for i, word in enumerate(lane)}
        full = (1 << len(lane)) - 1
        constant = sum(b for word, b in bit.items() if word in _TEMPLATE_WORDS)
        parts = [bytes([constant]) * size]
        for column, vocabulary in self.keyword_parts:
            lookup = [sum(b for word, b in bit.items() if word in words) for words in vocabulary]
            if any(lookup):
                parts.append(column.translate(bytes(lookup + [0] * (256 - len(lookup)))))
        per_company = [sum(b for w, b in bit.items() if w in words) for words in self.company_words]
        if any(per_company):
            # Company words take several bits, so spread the value, not a 0/1 flag.
            parts.append(bytes(map(bytes(per_company).__getitem__, self.columns.company)))
        covered = or_(*parts)
        return covered.translate(bytes(1 if value == full else 0 for value in range(256)))

    def _phrase_mask(self, needle: tuple[str, ...]) -> bytes:
        """People whose X bio contains the tokens of ``needle`` in a row."""
        size = len(self.columns)
        if not needle:
            return bytes(size)
        parts = []
        for column, vocabulary in self.phrase_parts:
            lookup = [1 if contains(hay, needle) else 0 for hay in vocabulary]
            if any(lookup):
                parts.append(column.translate(bytes(lookup + [0] * (256 - len(lookup)))))
        handles = self.company_handles
        if len(needle) == 1 and any(needle == handle for handle in handles):
            mask = company_mask(len(handles), lambda i: handles[i] == needle)
            parts.append(by_company(self.columns.company, mask))
        return or_(*parts) if parts else bytes(size)


def x_bio(person) -> str:
    """A person's X description, from the same values ProfileText searches."""
    company = person.company
    return (
        f"{person.title} @{x_handle(company.domain)} | {' · '.join(company.industry.bio_terms)}"
        f" | {person.pains[0]} | {person.pains[1]}"
    )

"""Locations: which country a free-text location is in, and whether it lies inside the
places an ICP names.

Matching is country-level by default: "San Francisco, CA, United States" lies in
"United States", in "North America" and in "California"; "Toronto, Canada" does not
lie in "United States". A location names its country through the strongest evidence
in it: a country name beats a state or province, which beats a city, which beats a
bare two-letter code (so "Cambridge, MA" is in the US and "Cambridge, England" in the UK).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from . import gazetteer as gz
from .text import normalise

_MAX_NGRAM = 4

# Evidence strength per kind of name; a city whose state is also named gets a bonus.
_COUNTRY, _SUBDIVISION, _CITY, _CODE, _CITY_IN_STATE = 3.0, 2.0, 1.5, 1.0, 2.0


@dataclass(frozen=True, slots=True)
class _Name:
    country: str
    kind: float  # evidence strength
    subdivision: str  # "" unless the name is (or lies in) a state/province


def _build_names() -> dict[str, list[_Name]]:
    names: dict[str, list[_Name]] = defaultdict(list)
    for code, name, aliases in gz.COUNTRIES:
        for alias in (name, *aliases):
            names[alias].append(_Name(code, _COUNTRY, ""))
    for country, code, name in gz.SUBDIVISIONS:
        names[name].append(_Name(country, _SUBDIVISION, code))
    for country, code, name in gz.CITIES:
        names[name].append(_Name(country, _CITY, code))
    return dict(names)


_NAMES = _build_names()
_SUBDIVISION_CODES: dict[str, list[tuple[str, str]]] = defaultdict(list)
for _country, _code, _ in gz.SUBDIVISIONS:
    if len(_code) <= 3:
        _SUBDIVISION_CODES[_code.lower()].append((_country, _code))
_ISO_CODES = {code.lower() for code, _, _ in gz.COUNTRIES}
_COUNTRY_NAMES = {code: name for code, name, _ in gz.COUNTRIES}


@dataclass(frozen=True, slots=True)
class Place:
    """A location as the matchers see it: its country (None when unknown) and every
    normalised place name found in it (cities, states, countries)."""

    text: str
    country: str | None
    names: frozenset[str]

    @property
    def country_name(self) -> str:
        return _COUNTRY_NAMES[self.country].title() if self.country else "unknown country"


def _ngrams(tokens: list[str]) -> list[str]:
    return [
        " ".join(tokens[i : i + n])
        for n in range(_MAX_NGRAM, 0, -1)
        for i in range(len(tokens) - n + 1)
    ]


def _code_evidence(
    parts: list[list[str]], votes: dict[str, float], named_states: set[tuple[str, str]]
) -> None:
    """Bare codes: "CA" after a city is a state or province; a last part alone may be ISO."""
    for index, part in enumerate(parts):
        if len(part) != 1 or len(part[0]) > 3:
            continue
        code = part[0]
        if index > 0:
            for country, state in _SUBDIVISION_CODES.get(code, []):
                votes[country] += _CODE
                named_states.add((country, state))
        if index == len(parts) - 1 and code in _ISO_CODES:
            votes[code.upper()] += _CODE


@lru_cache(maxsize=8192)
def locate(text: str) -> Place:
    """Resolve a free-text location ("Berlin, Germany", "Greater Boston Area", "NYC")."""
    parts = [normalise(part).split() for part in text.split(",")]
    parts = [part for part in parts if part]
    votes: dict[str, float] = defaultdict(float)
    found: set[str] = set()
    named_states: set[tuple[str, str]] = set()
    cities: list[tuple[str, _Name]] = []
    for part in parts:
        for gram in _ngrams(part):
            for name in _NAMES.get(gram, []):
                found.add(gram)
                votes[name.country] += name.kind
                if name.kind == _SUBDIVISION:
                    named_states.add((name.country, name.subdivision))
                elif name.kind == _CITY:
                    cities.append((gram, name))
    _code_evidence(parts, votes, named_states)
    for _, city in cities:
        if city.subdivision and (city.country, city.subdivision) in named_states:
            votes[city.country] += _CITY_IN_STATE
    country = max(sorted(votes), key=lambda c: votes[c]) if votes else None
    # A bare code names a state only in the country the location turned out to be in.
    found.update(n for c, s, n in gz.SUBDIVISIONS if c == country and (c, s) in named_states)
    return Place(text, country, frozenset(found))


@dataclass(frozen=True, slots=True)
class Area:
    """What one ICP location entry covers: countries, or one named place inside a country."""

    label: str
    countries: frozenset[str] | None  # None: anywhere
    name: str | None = None  # a state or city; None when the whole countries count

    def contains(self, place: Place) -> float:
        """1.0 inside; 0.5 in the right country but not the named city/state; else 0."""
        if self.countries is None:
            return 1.0
        if place.country not in self.countries:
            return 0.0
        if self.name is None or self.name in place.names:
            return 1.0
        return 0.5


@lru_cache(maxsize=1024)
def area(entry: str) -> Area | None:
    """An ICP location entry ("North America", "UK", "California"); None if unknown."""
    key = normalise(entry)
    if key in gz.WORLDWIDE:
        return Area(entry, None)
    if key in gz.MACRO_REGIONS:
        return Area(entry, frozenset(gz.MACRO_REGIONS[key]))
    if key.upper() in _COUNTRY_NAMES and len(key) == 2:
        return Area(entry, frozenset({key.upper()}))
    names = _NAMES.get(key, [])
    country_names = [n for n in names if n.kind == _COUNTRY]
    if country_names:
        return Area(entry, frozenset({country_names[0].country}))
    if names:
        return Area(entry, frozenset({names[0].country}), key)
    return None

"""A location an ICP names, resolved once for every platform (locations.json).

"Deutschland" is the country Germany (DE), "DACH" the area of Germany, Austria and
Switzerland, "Bayern" the region Bavaria in Germany, "München" the city Munich. Each platform
takes what it can target: LinkedIn a geo id per country or place, Facebook country codes and
region or city keys. An area is targeted as its countries on every platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from .tables import load, locations

Kind = Literal["country", "area", "region", "city"]


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    kind: Kind
    country: str | None  # ISO code of a country, region or city; None for an area
    countries: tuple[str, ...]  # an area's countries; (country,) otherwise
    linkedin_geo_id: str | None  # None for an area: it is searched as its countries
    facebook_key: str | None  # a region's or city's Facebook location key


@cache
def _places() -> dict[str, Place]:
    data = load("locations.json")
    places: dict[str, Place] = {}
    for row in data["countries"]:
        code, geo_id = row["code"], row["linkedinGeoId"]
        places[row["name"]] = Place(row["name"], "country", code, (code,), geo_id, None)
    for row in data["regions"]:
        places[row["name"]] = Place(row["name"], "area", None, tuple(row["countries"]), None, None)
    for row in data["places"]:
        places[row["name"]] = Place(
            row["name"],
            row["kind"],
            row["country"],
            (row["country"],),
            row["linkedinGeoId"],
            row["facebookKey"],
        )
    return places


@cache
def _countries_by_code() -> dict[str, Place]:
    return {p.country: p for p in _places().values() if p.kind == "country" and p.country}


def place(value: str) -> Place | None:
    """The place a location value names (any alias, any case), or None."""
    name = locations().get(value)
    return _places()[name] if name else None


def country(code: str) -> Place | None:
    """The country with this ISO 3166-1 alpha-2 code, if the table knows it."""
    return _countries_by_code().get(code.strip().upper())


def linkedin_geo_ids(names: list[str]) -> list[str]:
    """LinkedIn geo ids of canonical place names, an area as its countries' ids, distinct."""
    ids: dict[str, None] = {}
    for name in names:
        found = _places()[name]
        members = [_countries_by_code()[c] for c in found.countries]
        for member in members if found.kind == "area" else [found]:
            if member.linkedin_geo_id:
                ids[member.linkedin_geo_id] = None
    return list(ids)

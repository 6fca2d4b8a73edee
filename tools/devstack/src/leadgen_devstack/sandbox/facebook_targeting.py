"""A Facebook targeting spec judged against the population.

The spec is the Marketing API's (the shape leadgen_common.criteria.facebook emits):
``age_min``/``age_max``, ``geo_locations`` {``countries``, ``regions`` [{key}],
``cities`` [{key}]}, and the detailed targeting fields ``work_positions``,
``work_employers``, ``industries``, ``education_statuses``, ``education_majors``,
``interests``, ``behaviors`` (lists of ``{"id", "name"}``, ids or names matched), plus
``flexible_spec`` (a list of groups of those fields) and ``exclusions``.

Two readings, as Facebook has two uses for a spec:

- ``audience`` (reach estimates, lookalike seeds): Facebook's semantics -- age and
  location are required, the detailed fields are alternatives (any of them), every
  ``flexible_spec`` group must hold, and nobody matching ``exclusions`` counts;
- ``criteria`` (the modeled people search): age, location and exclusions are the hard
  filter, and each detailed field (and each flexible group) is a criterion the search
  ranks by, full matches first.

``genders`` and ``locales`` are accepted and not modeled (the population has neither).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from .geo import CITIES, COUNTRY_BY_CODE, city_facebook_key, region_facebook_key
from .industries import INDUSTRIES
from .matching import title_words
from .roles import TITLE_ROLES, TITLES
from .selection import and_, by_company, not_, or_, where, where_any, where_bits
from .shared_tables import (
    behaviors,
    education_majors,
    interests,
    text_key,
    work_industries,
    work_positions,
)
from .vocabulary import DEGREES, FIELDS_OF_STUDY

DETAILED = (
    "work_positions",
    "work_employers",
    "industries",
    "education_statuses",
    "education_majors",
    "interests",
    "behaviors",
)
IGNORED = (
    "genders",
    "locales",
    "publisher_platforms",
    "device_platforms",
    "targeting_optimization",
)
#: Facebook work industries people of a function are in (their employer's adds one).
FUNCTION_WORK_INDUSTRIES = {
    "Executive": ("Management",),
    "Engineering": ("IT and Technical Services", "Computation and Mathematics"),
    "Product": ("IT and Technical Services", "Management"),
    "Data": ("Computation and Mathematics",),
    "Design": ("Arts, Entertainment, Sports and Media",),
    "IT": ("IT and Technical Services",),
    "Security": ("IT and Technical Services", "Protective Services"),
    "Sales": ("Sales",),
    "Customer Success": ("Sales", "Administrative Services"),
    "Marketing": ("Arts, Entertainment, Sports and Media", "Sales"),
    "Finance": ("Business and Finance",),
    "HR": ("Administrative Services",),
    "Operations": ("Management", "Transportation and Moving"),
    "Legal": ("Legal Services",),
}


class SpecError(ValueError):
    """A spec Facebook would refuse (code 100, invalid parameter)."""


def parse_spec(raw: str | None) -> dict[str, Any]:
    if not raw:
        raise SpecError("targeting_spec is required")
    try:
        spec = json.loads(raw)
    except ValueError as exc:
        raise SpecError(f"targeting_spec is not JSON: {exc}") from exc
    if not isinstance(spec, dict):
        raise SpecError("targeting_spec must be a JSON object")
    return spec


def employer_id(company_index: int) -> str:
    return f"1097{company_index:011d}"


def position_of(title_index: int) -> dict[str, str]:
    """The Facebook work position a title is, or a modeled one named by the title."""
    for entry in work_positions():
        if title_index in _position_titles(entry["id"]):
            return {"id": entry["id"], "name": entry["name"]}
    return {"id": f"1096{title_index:011d}", "name": TITLES[title_index]}


@cache
def _position_titles(position_id: str) -> frozenset[int]:
    entry = next((e for e in work_positions() if e["id"] == position_id), None)
    if entry is None:
        return frozenset()
    spellings = {title_words(name) for name in (entry["name"], *entry.get("aliases", ()))}
    return frozenset(i for i, title in enumerate(TITLES) if title_words(title) in spellings)


@cache
def _titles_named(name: str) -> frozenset[int]:
    wanted = title_words(name)
    return frozenset(i for i, title in enumerate(TITLES) if title_words(title) == wanted)


def major_of(field_index: int) -> dict[str, str] | None:
    key = text_key(FIELDS_OF_STUDY[field_index])
    for entry in education_majors():
        if key == text_key(entry["name"]) or key in {text_key(p) for p in entry["phrases"]}:
            return {"id": entry["id"], "name": entry["name"]}
    return None


def _entries(values: Any, field: str) -> list[dict[str, str]]:
    if values is None:
        return []
    if not isinstance(values, list):
        raise SpecError(f"{field} must be a list")
    out = []
    for value in values:
        if isinstance(value, dict) and (value.get("id") or value.get("name")):
            out.append({"id": str(value.get("id", "")), "name": str(value.get("name", ""))})
        elif isinstance(value, (str, int)) and field != "education_statuses":
            out.append({"id": str(value), "name": str(value)})
        else:
            raise SpecError(f"{field} entries must be {{id, name}} objects")
    return out


@dataclass(frozen=True)
class Targeting:
    """Masks of one spec over a population."""

    population: Any

    @property
    def columns(self):
        return self.population.people_columns

    # -- hard filters ------------------------------------------------------------------

    def base(self, spec: dict[str, Any]) -> bytes:
        """On Facebook, in the age range and locations, and not excluded."""
        columns = self.columns
        masks = [columns.platforms.translate(bytes(v & 1 for v in range(256)))]
        low, high = int(spec.get("age_min", 18)), int(spec.get("age_max", 65))
        if not 13 <= low <= high <= 65:
            raise SpecError("age_min and age_max must satisfy 13 <= age_min <= age_max <= 65")
        # An age_max of 65 means 65 and older.
        masks.append(where(columns.age, range(low, 256 if high == 65 else high + 1)))
        if "geo_locations" in spec:
            masks.append(self.geo(spec["geo_locations"]))
        if spec.get("exclusions"):
            masks.append(not_(self.any_of(spec["exclusions"])))
        return and_(*masks)

    def geo(self, geo: Any) -> bytes:
        if not isinstance(geo, dict):
            raise SpecError("geo_locations must be an object")
        countries = {str(c).upper() for c in geo.get("countries") or []}
        unknown = sorted(c for c in countries if c not in COUNTRY_BY_CODE and len(c) != 2)
        if unknown:
            raise SpecError(f"geo_locations.countries: invalid codes {unknown}")
        regions = {str(r.get("key")) for r in geo.get("regions") or [] if isinstance(r, dict)}
        cities = {str(c.get("key")) for c in geo.get("cities") or [] if isinstance(c, dict)}
        chosen = {
            city.index
            for city in CITIES
            if city.country_code in countries
            or region_facebook_key(city) in regions
            or city_facebook_key(city) in cities
        }
        return where(self.columns.city, chosen)

    # -- detailed fields ---------------------------------------------------------------

    def field(self, name: str, values: Any) -> bytes:
        columns = self.columns
        if name == "education_statuses":
            statuses = {int(v) for v in values or []}
            return where(columns.degree, [i for i, (_, s) in enumerate(DEGREES) if s in statuses])
        entries = _entries(values, name)
        if name == "work_positions":
            titles = set()
            for entry in entries:
                titles |= _position_titles(entry["id"]) or _titles_named(entry["name"])
            return where(columns.title, titles)
        if name == "work_employers":
            return self._employers(entries)
        if name == "industries":
            return self._industries(entries)
        if name == "education_majors":
            ids, names = _keys(entries)
            majors = {i: major_of(i) for i in range(len(FIELDS_OF_STUDY))}
            fields = [
                i
                for i, major in majors.items()
                if major and (major["id"] in ids or text_key(major["name"]) in names)
            ]
            return where(columns.field, fields)
        if name == "interests":
            return where_any(columns.interests, _catalogue(interests(), entries))
        if name == "behaviors":
            return where_bits(columns.behaviors, _catalogue(behaviors(), entries))
        raise SpecError(f"unknown targeting field {name}")

    def _employers(self, entries: list[dict[str, str]]) -> bytes:
        ids, names = _keys(entries)
        company_names = self.population.company_columns.name
        mask = bytes(
            1 if employer_id(i) in ids or text_key(n) in names else 0
            for i, n in enumerate(company_names)
        )
        return by_company(self.columns.company, mask)

    def _industries(self, entries: list[dict[str, str]]) -> bytes:
        ids, names = _keys(entries)
        wanted = {
            e["name"] for e in work_industries() if e["id"] in ids or text_key(e["name"]) in names
        }
        titles = [
            i for i in range(len(TITLES))
            if not wanted.isdisjoint(FUNCTION_WORK_INDUSTRIES[TITLE_ROLES[i].function])
            or (TITLE_ROLES[i].seniority in ("C-level", "VP") and "Management" in wanted)
        ]  # fmt: skip
        industries = [i for i, ind in enumerate(INDUSTRIES) if ind.facebook_industry in wanted]
        return or_(where(self.columns.title, titles), where(self.columns.industry, industries))

    def any_of(self, group: Any) -> bytes:
        """People matching any field of a group (a flexible_spec entry, exclusions)."""
        if not isinstance(group, dict):
            raise SpecError("flexible_spec and exclusions entries must be objects")
        masks = [self.field(name, values) for name, values in group.items() if name in DETAILED]
        return or_(*masks) if masks else bytes(len(self.columns))

    # -- the two readings ----------------------------------------------------------------

    def criteria(self, spec: dict[str, Any]) -> list[tuple[str, bytes]]:
        unknown = sorted(
            set(spec) - set(DETAILED) - set(IGNORED)
            - {"age_min", "age_max", "geo_locations", "flexible_spec", "exclusions"}
        )  # fmt: skip
        if unknown:
            raise SpecError(f"unknown targeting fields {unknown}")
        found = [(name, self.field(name, spec[name])) for name in DETAILED if spec.get(name)]
        for number, group in enumerate(spec.get("flexible_spec") or []):
            found.append((f"flexible_spec[{number}]", self.any_of(group)))
        return found

    def audience(self, spec: dict[str, Any]) -> bytes:
        """Who Facebook would reach: base, any detailed field, and every flexible group."""
        masks = [self.base(spec)]
        detailed = [self.field(name, spec[name]) for name in DETAILED if spec.get(name)]
        if detailed:
            masks.append(or_(*detailed))
        masks += [self.any_of(group) for group in spec.get("flexible_spec") or []]
        return and_(*masks) if len(masks) > 1 else masks[0]


def _keys(entries: list[dict[str, str]]) -> tuple[set[str], set[str]]:
    return {e["id"] for e in entries}, {text_key(e["name"]) for e in entries if e["name"]}


def _catalogue(catalogue: tuple[dict[str, str], ...], entries: list[dict[str, str]]) -> set[int]:
    ids, names = _keys(entries)
    return {i for i, e in enumerate(catalogue) if e["id"] in ids or text_key(e["name"]) in names}

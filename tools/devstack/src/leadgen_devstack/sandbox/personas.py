"""Persona archetypes (personas.json) and the ground truth of who was drawn from which.

Tests measure matching against this: ``ground_truth("li-001234")`` is the archetype the
person was generated from, and ``archetype.sample_icp`` says whether that person is a fit
for the sample ICP. Nothing here is served by a provider API.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from .geo import COUNTRY_BY_CODE
from .industries import INDUSTRY_BY_NAME
from .roles import FUNCTIONS, ROLE_BY_KEY, SENIORITIES

if TYPE_CHECKING:
    from .population import Population

#: LinkedIn company-size bands: label, fewest and most employees.
SIZE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("1", 1, 1),
    ("2-10", 2, 10),
    ("11-50", 11, 50),
    ("51-200", 51, 200),
    ("201-500", 201, 500),
    ("501-1000", 501, 1000),
    ("1001-5000", 1001, 5000),
    ("5001-10000", 5001, 10000),
    ("10001+", 10001, 150_000),
)
BAND_LABELS = tuple(label for label, _, _ in SIZE_BANDS)
LABELS = ("fit", "hard_negative", "ambiguous", "non_fit")
ACTIVITIES = ("active", "inactive", "mixed")


@dataclass(frozen=True, slots=True)
class Archetype:
    index: int
    id: str
    description: str
    share: float
    sample_icp: str  # fit | hard_negative | ambiguous | non_fit
    roles: tuple[str, ...]  # role keys
    industries: tuple[str, ...]  # industry names
    bands: tuple[str, ...]  # size band labels
    countries: tuple[str, ...]  # ISO codes
    ages: tuple[int, int] | None
    activity: str
    concerns: str  # icp | function
    education: str  # cs | function
    topics: str  # triggers | mixed


def _resolve(value: Any, sets: dict[str, list[str]]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return sets[value[1:]]
    return value


def _roles(entry: dict[str, Any], sets: dict[str, list[str]]) -> tuple[str, ...]:
    if "roles" in entry:
        keys = list(_resolve(entry["roles"], sets))
    else:
        functions = set(_resolve(entry.get("functions", list(FUNCTIONS)), sets))
        seniorities = set(_resolve(entry.get("seniorities", list(SENIORITIES)), sets))
        keys = [
            key
            for key, role in ROLE_BY_KEY.items()
            if role.function in functions and role.seniority in seniorities
        ]
    excluded = set(_resolve(entry.get("exclude_roles", []), sets))
    return tuple(key for key in keys if key not in excluded)


def _subset(entry: dict, name: str, everything: tuple[str, ...], sets: dict) -> tuple[str, ...]:
    chosen = _resolve(entry.get(name, list(everything)), sets)
    excluded = set(_resolve(entry.get(f"exclude_{name}", []), sets))
    return tuple(value for value in chosen if value not in excluded)


def _archetype(index: int, entry: dict[str, Any], sets: dict[str, list[str]]) -> Archetype:
    industries = tuple(i.name for i in INDUSTRY_BY_NAME.values())
    ages = entry.get("ages")
    archetype = Archetype(
        index=index,
        id=entry["id"],
        description=entry["description"],
        share=float(entry["share"]),
        sample_icp=entry["sample_icp"],
        roles=_roles(entry, sets),
        industries=_subset(entry, "industries", industries, sets),
        bands=tuple(_resolve(entry.get("sizes", list(BAND_LABELS)), sets)),
        countries=_subset(entry, "countries", tuple(COUNTRY_BY_CODE), sets),
        ages=(int(ages[0]), int(ages[1])) if ages else None,
        activity=entry.get("activity", "mixed"),
        concerns=entry.get("concerns", "function"),
        education=entry.get("education", "function"),
        topics=entry.get("topics", "mixed"),
    )
    _validate(archetype)
    return archetype


def _validate(a: Archetype) -> None:
    problems = [
        *(f"role {r!r}" for r in a.roles if r not in ROLE_BY_KEY),
        *(f"industry {i!r}" for i in a.industries if i.lower() not in INDUSTRY_BY_NAME),
        *(f"size {b!r}" for b in a.bands if b not in BAND_LABELS),
        *(f"country {c!r}" for c in a.countries if c not in COUNTRY_BY_CODE),
    ]
    if a.sample_icp not in LABELS or a.activity not in ACTIVITIES:
        problems.append(f"label {a.sample_icp!r} or activity {a.activity!r}")
    if not (a.roles and a.industries and a.bands and a.countries) or a.share <= 0:
        problems.append("an empty constraint or share")
    if problems:
        raise ValueError(f"personas.json archetype {a.id}: unknown {', '.join(problems)}")


@cache
def archetypes() -> tuple[Archetype, ...]:
    """Every archetype of personas.json, validated, in file order."""
    data = json.loads(resources.files(__package__).joinpath("personas.json").read_text("utf-8"))
    return tuple(
        _archetype(index, entry, data["sets"]) for index, entry in enumerate(data["archetypes"])
    )


def ground_truth(person_id: str | int, population: Population | None = None) -> Archetype:
    """The archetype a person was drawn from, by any of their ids (LinkedIn ``li-000123``,
    Facebook or X id) or index; the default population unless another is given."""
    from .population import build_population

    population = population or build_population()
    index = population.index_of(person_id)
    if index is None:
        raise KeyError(f"no person {person_id!r} in the population")
    return archetypes()[population.people_columns.archetype[index]]

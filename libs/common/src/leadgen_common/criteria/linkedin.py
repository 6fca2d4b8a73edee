"""ICP -> LinkedIn people-search criteria (spec §4.1), and a campaign's overrides.

    titles        demographics.jobTitles, as written (distinct)
    locations     demographics.location -> LinkedIn places (firmographics.geography
                  when the ICP names no person location)
    industries    firmographics.industry -> LinkedIn industry names
    companySizes  firmographics.companySize -> LinkedIn size bands
    keywords      psychographics.painPoints + goals -> keyword phrases
    activityLevel "high" when behaviors.preferredChannels names LinkedIn

Fields LinkedIn search has no filter for (age, education, revenue, motivations, values,
buying triggers) are left to scoring. A criterion with nothing in it is left out, so
the search is not filtered on it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from ..contracts.icp import Icp, split_list
from . import company_size
from .keywords import keyword_phrases
from .tables import linkedin_industries, linkedin_locations, load, text_key
from .translation import Translation

Mapped = tuple[list[str], list[str]]  # (values, warnings)
FieldMapper = Callable[[list[str], str], Mapped]

ORDER = ("titles", "locations", "industries", "companySizes", "keywords", "activityLevel")


def _distinct(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        if value.strip():
            seen.setdefault(text_key(value) or value.strip(), value.strip())
    return list(seen.values())


def _titles(values: list[str], source: str) -> Mapped:
    return _distinct(values), []


def _looked_up(lookup: Callable[[str], str | None], what: str) -> FieldMapper:
    def mapper(values: list[str], source: str) -> Mapped:
        found: list[str] = []
        warnings: list[str] = []
        for value in values:
            name = lookup(value)
            if name is None:
                warnings.append(f"{source} '{value}' is not a known LinkedIn {what}; not searched")
            elif name not in found:
                found.append(name)
        return found, warnings

    return mapper


def _company_sizes(values: list[str], source: str) -> Mapped:
    selected: set[str] = set()
    warnings: list[str] = []
    for value in values:
        size = company_size.parse_size(value)
        if size is None:
            warnings.append(
                f"{source} '{value}' is not a company size like '51-200' or '1000+'; not searched"
            )
        else:
            selected.update(company_size.bands_for(size))
    return [band.label for band in company_size.bands() if band.label in selected], warnings


def _keywords(values: list[str], source: str) -> Mapped:
    return keyword_phrases(values, source)


def _activity_level(values: list[str], source: str) -> Mapped:
    levels = _table()["activity_levels"]
    chosen = [value.strip().lower() for value in values if value.strip().lower() in levels]
    warnings = [
        f"{source} '{value}' is not one of {', '.join(levels)}; not searched"
        for value in values
        if value.strip().lower() not in levels
    ]
    return chosen[-1:], warnings


MAPPERS: dict[str, FieldMapper] = {
    "titles": _titles,
    "locations": _looked_up(lambda v: linkedin_locations().get(v), "location"),
    "industries": _looked_up(lambda v: linkedin_industries().get(v), "industry"),
    "companySizes": _company_sizes,
    "keywords": _keywords,
    "activityLevel": _activity_level,
}


@cache
def _table() -> dict[str, Any]:
    return load("linkedin.json")


@cache
def _override_names() -> dict[str, str]:
    """Every name a campaign's searchCriteria.linkedin may use -> the criterion key."""
    return {
        text_key(name): key for key, names in _table()["override_keys"].items() for name in names
    }


def _icp_sources(icp: Icp) -> dict[str, list[tuple[str, list[str]]]]:
    d, f, p = icp.demographics, icp.firmographics, icp.psychographics
    locations = ("demographics.location", d.locations)
    if not d.locations:
        locations = ("firmographics.geography", f.geographies)
    return {
        "titles": [("demographics.jobTitles", d.job_titles)],
        "locations": [locations],
        "industries": [("firmographics.industry", f.industry)],
        "companySizes": [("firmographics.companySize", f.company_size)],
        "keywords": [
            ("psychographics.painPoints", p.pain_points),
            ("psychographics.goals", p.goals),
        ],
    }


def _activity_from(icp: Icp) -> list[str]:
    table = _table()
    channels = {text_key(name) for name in table["active_channel_names"]}
    wanted = any(text_key(c) in channels for c in icp.behaviors.preferred_channels)
    return [table["active_channel_level"]] if wanted else []


def translate(icp: Icp, overrides: dict[str, Any] | None = None) -> Translation:
    criteria: dict[str, Any] = {}
    warnings: list[str] = []
    for key, sources in _icp_sources(icp).items():
        values: list[str] = []
        for source, texts in sources:
            mapped, problems = MAPPERS[key](texts, source)
            values += mapped
            warnings += problems
        criteria[key] = _distinct(values)
    criteria["activityLevel"] = _activity_from(icp)
    warnings += _apply_overrides(criteria, overrides or {})
    warnings += _apply_limits(criteria)
    shaped = _shaped(criteria)
    if not shaped:
        warnings.append(
            "linkedin: nothing in the ICP maps to a search filter; the search is unfiltered"
        )
    return Translation(shaped, warnings)


def _as_texts(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return split_list(value)
    if isinstance(value, list | tuple) and all(isinstance(v, str | int) for v in value):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, int) and not isinstance(value, bool):
        return [str(value)]
    return None


def _apply_overrides(criteria: dict[str, Any], overrides: dict[str, Any]) -> list[str]:
    """A campaign's searchCriteria.linkedin replaces the translated value of each
    criterion it names; one that maps to nothing keeps the ICP's (never widens)."""
    warnings: list[str] = []
    for name, value in overrides.items():
        source = f"searchCriteria.linkedin.{name}"
        key = _override_names().get(text_key(name))
        if key is None:
            known = ", ".join(_table()["override_keys"])
            warnings.append(f"{source} is not a LinkedIn criterion (known: {known}); ignored")
            continue
        texts = _as_texts(value)
        if texts is None:
            warnings.append(f"{source} must be a string or a list of strings; ignored")
            continue
        mapped, problems = MAPPERS[key](texts, source)
        warnings += problems
        if mapped:
            criteria[key] = mapped
        else:
            warnings.append(f"{source} has no usable value; the ICP's {key} is kept")
    return warnings


def _apply_limits(criteria: dict[str, Any]) -> list[str]:
    warnings: list[str] = []
    for key, limit in _table()["limits"].items():
        values = criteria.get(key, [])
        if len(values) > limit:
            dropped = ", ".join(f"'{v}'" for v in values[limit:])
            warnings.append(
                f"{key}: {len(values)} values, a LinkedIn search takes {limit}; "
                f"not searched: {dropped}"
            )
            criteria[key] = values[:limit]
    return warnings


def _shaped(criteria: dict[str, Any]) -> dict[str, Any]:
    """Criteria in a stable key order, empty ones left out, activityLevel a string."""
    shaped: dict[str, Any] = {}
    for key in ORDER:
        value = criteria.get(key)
        if value:
            shaped[key] = value[0] if key == "activityLevel" else value
    return shaped

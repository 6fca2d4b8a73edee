"""ICP -> LinkedIn people-search criteria (spec §4.1), and a campaign's overrides.

    titles        demographics.jobTitles, as written (distinct)
    seniorities   the LinkedIn seniority levels the titles name ("CTO" -> CXO), most
                  senior first; left out, with a warning, when a title names no level
    seniorityIds  LinkedIn's standardized seniority ids of those levels
    locations     demographics.location -> LinkedIn places (firmographics.geography
                  when the ICP names no person location)
    geoIds        LinkedIn geo ids of those places (an area such as DACH as its countries)
    industries    firmographics.industry -> LinkedIn industry names
    industryIds   LinkedIn industry codes of those industries
    companySizes  firmographics.companySize -> LinkedIn size bands
    keywords      psychographics.painPoints + goals -> keyword phrases
    activityLevel "high" when behaviors.preferredChannels names LinkedIn

Names and ids say the same thing twice: the names for people and the sandbox, the ids for
the real API; an adapter sends one of them. Fields LinkedIn search has no filter for (age,
education, revenue, motivations, values, buying triggers) are left to scoring. A criterion
with nothing in it is left out, so the search is not filtered on it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from ..contracts.icp import Icp
from . import company_size, places, seniority
from .keywords import keyword_phrases
from .tables import linkedin_industries, load, locations, text_key
from .translation import Translation
from .values import OverrideNames, as_texts, cap, distinct

Mapped = tuple[list[str], list[str]]  # (values, warnings)
FieldMapper = Callable[[list[str], str], Mapped]

ORDER = (
    "titles",
    "seniorities",
    "seniorityIds",
    "locations",
    "geoIds",
    "industries",
    "industryIds",
    "companySizes",
    "keywords",
    "activityLevel",
)


def _titles(values: list[str], source: str) -> Mapped:
    return distinct(values), []


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
    "seniorities": _looked_up(lambda v: seniority.names().get(v), "seniority level"),
    "locations": _looked_up(lambda v: locations().get(v), "location"),
    "industries": _looked_up(lambda v: linkedin_industries().get(v), "industry"),
    "companySizes": _company_sizes,
    "keywords": _keywords,
    "activityLevel": _activity_level,
}


@cache
def _table() -> dict[str, Any]:
    return load("linkedin.json")


@cache
def _override_names() -> OverrideNames:
    """The names a campaign's searchCriteria.linkedin may use for each criterion."""
    return OverrideNames(_table()["override_keys"])


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
        criteria[key] = distinct(values)
    criteria["activityLevel"] = _activity_from(icp)
    warnings += _apply_overrides(criteria, overrides or {})
    warnings += _apply_limits(criteria)
    warnings += _derive_seniorities(criteria)
    _add_ids(criteria)
    shaped = _shaped(criteria)
    if not shaped:
        warnings.append(
            "nothing in the ICP maps to a LinkedIn search filter; the search is unfiltered"
        )
    return Translation(shaped, warnings)


def _apply_overrides(criteria: dict[str, Any], overrides: dict[str, Any]) -> list[str]:
    """A campaign's searchCriteria.linkedin replaces the translated value of each
    criterion it names; one that maps to nothing keeps the ICP's (never widens)."""
    warnings: list[str] = []
    for name, value in overrides.items():
        source = f"searchCriteria.linkedin.{name}"
        key = _override_names().key_for(name)
        if key is None:
            warnings.append(_override_names().unknown(source, "LinkedIn"))
            continue
        texts = as_texts(value)
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
        criteria[key], cut = cap(criteria.get(key, []), limit, key, "LinkedIn")
        warnings += cut
    return warnings


def _derive_seniorities(criteria: dict[str, Any]) -> list[str]:
    """Seniority levels of the titles, unless the campaign named its own. A title with no
    level would be lost by a seniority filter, so then there is no filter (and a warning)."""
    if criteria.get("seniorities"):
        criteria["seniorities"] = seniority.in_rank_order(criteria["seniorities"])
        return []
    titles = criteria.get("titles", [])
    levels = [seniority.seniority_of(title) for title in titles]
    vague = [title for title, level in zip(titles, levels, strict=True) if level is None]
    if vague:
        named = ", ".join(f"'{title}'" for title in vague)
        criteria["seniorities"] = []
        return [
            f"seniorities: {named} names no LinkedIn seniority level; "
            "the search is not filtered on seniority"
        ]
    criteria["seniorities"] = seniority.in_rank_order([lv for lv in levels if lv])
    return []


def _add_ids(criteria: dict[str, Any]) -> None:
    """The ids LinkedIn's API takes for the names the criteria hold."""
    criteria["seniorityIds"] = [seniority.ids()[name] for name in criteria["seniorities"]]
    criteria["geoIds"] = places.linkedin_geo_ids(criteria.get("locations", []))
    industry_ids = _industry_ids()
    criteria["industryIds"] = distinct(industry_ids[n] for n in criteria.get("industries", []))


@cache
def _industry_ids() -> dict[str, str]:
    return {row["name"]: row["id"] for row in load("linkedin_industries.json")["industries"]}


def _shaped(criteria: dict[str, Any]) -> dict[str, Any]:
    """Criteria in a stable key order, empty ones left out, activityLevel a string."""
    shaped: dict[str, Any] = {}
    for key in ORDER:
        value = criteria.get(key)
        if value:
            shaped[key] = value[0] if key == "activityLevel" else value
    return shaped

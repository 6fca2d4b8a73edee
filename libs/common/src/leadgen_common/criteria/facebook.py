"""ICP -> a Facebook Marketing API targeting spec (spec §4.1), and a campaign's overrides.

    age_min, age_max    demographics.ageRange ("35-55", "55+"), within Facebook's 18-65+
    geo_locations       demographics.location (firmographics.geography when the ICP names
                        no person location) -> {countries, regions, cities}
    work_positions      demographics.jobTitles -> [{id, name}]
    work_employers      only from searchCriteria.facebook, as [{id, name}] from targeting
                        search (an ICP names no employers)
    industries          firmographics.industry -> Facebook's work industries [{id, name}]
    education_statuses  demographics.education -> Facebook's education status integers
    education_majors    demographics.education -> [{id, name}]
    interests           psychographics (pain points, goals, motivations, values) -> [{id, name}]
    behaviors           behaviors (buying triggers, preferred channels, influencers) -> [{id, name}]

Top-level fields of a Facebook spec are alternatives within a field and, for the detailed
targeting fields (work positions, industries, education, interests, behaviors), Facebook
ORs them unless they are put in a flexible_spec; an adapter that needs people to match
several of them builds one. Revenue, company size and decision process have no Facebook
targeting and are left to scoring. A value that maps to nothing is a warning.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..contracts.icp import Icp
from . import education, facebook_catalog
from .ages import Ages, AgeSpan, parse_ages
from .facebook_catalog import Entry
from .facebook_geo import Geo, geo_of
from .tables import load
from .translation import Translation
from .values import OverrideNames, as_texts, cap

#: The list fields of the spec, in the order the spec shows them.
LIST_FIELDS = (
    "work_positions",
    "work_employers",
    "industries",
    "education_statuses",
    "education_majors",
    "interests",
    "behaviors",
)
Mapped = tuple[list[Any], list[str]]  # (values, warnings)


@cache
def _table() -> dict[str, Any]:
    return load("facebook.json")


@cache
def _span() -> AgeSpan:
    return AgeSpan(_table()["age"]["min"], _table()["age"]["max"])


@cache
def _override_names() -> OverrideNames:
    return OverrideNames(_table()["override_keys"])


@dataclass
class Targeting:
    """What a translation collects before it is shaped into Facebook's spec."""

    ages: Ages | None = None
    ages_label: str = ""
    geo: Geo = field(default_factory=Geo)
    lists: dict[str, list[Any]] = field(default_factory=dict)


def _distinct_entries(entries: list[Entry]) -> list[Entry]:
    seen: dict[str, Entry] = {}
    for entry in entries:
        seen.setdefault(entry["id"], entry)
    return list(seen.values())


def _looked_up(find: Callable[[str], list[Entry] | None], what: str) -> Callable[..., Mapped]:
    """A mapper of texts to entries; the texts that map to nothing make one warning per
    source (a list of 300 titles is one line in the campaign status, not 300)."""

    def mapper(texts: list[str], source: str) -> Mapped:
        found: list[Entry] = []
        missed: list[str] = []
        for text in texts:
            entries = find(text)
            if entries:
                found += entries
            else:
                missed.append(text)
        return _distinct_entries(found), _missed(source, missed, what)

    return mapper


def _missed(source: str, texts: list[str], what: str) -> list[str]:
    if not texts:
        return []
    named = ", ".join(f"'{text}'" for text in texts)
    return [f"{source}: {what} for {named}; not targeted"]


def _work_position(text: str) -> list[Entry] | None:
    name = facebook_catalog.work_position_names().get(text)
    return [facebook_catalog.work_positions().by_name[name]] if name else None


def _education_statuses(texts: list[str], source: str) -> Mapped:
    found: list[int] = []
    missed: list[str] = []
    for text in texts:
        ids = education.status_for(text)
        if ids:
            found += [i for i in ids if i not in found]
        else:
            missed.append(text)
    return sorted(found), _missed(source, missed, "no Facebook education status")


def _employers(texts: list[str], source: str) -> Mapped:
    what = "Facebook work employers need the id its targeting search returns, as {id, name}"
    return [], _missed(source, texts, f"{what}; no id")


MAPPERS: dict[str, Callable[..., Mapped]] = {
    "work_positions": _looked_up(_work_position, "no Facebook work position"),
    "work_employers": _employers,
    "industries": _looked_up(facebook_catalog.industries_for, "no known industry"),
    "education_statuses": _education_statuses,
    "education_majors": _looked_up(
        lambda t: facebook_catalog.majors().named_in(t) or None, "no Facebook major"
    ),
    "interests": _looked_up(
        lambda t: facebook_catalog.interests().named_in(t) or None, "no Facebook interest"
    ),
    "behaviors": _looked_up(
        lambda t: facebook_catalog.behaviors().named_in(t) or None, "no Facebook behavior"
    ),
}

#: ICP field -> (targeting field, source label, texts)
IcpSources = list[tuple[str, str, list[str]]]


def _icp_sources(icp: Icp) -> IcpSources:
    d, f, p, b = icp.demographics, icp.firmographics, icp.psychographics, icp.behaviors
    return [
        ("work_positions", "demographics.jobTitles", d.job_titles),
        ("industries", "firmographics.industry", f.industry),
        ("interests", "psychographics.painPoints", p.pain_points),
        ("interests", "psychographics.goals", p.goals),
        ("interests", "psychographics.motivations", p.motivations),
        ("interests", "psychographics.values", p.values),
        ("behaviors", "behaviors.buyingTriggers", b.buying_triggers),
        ("behaviors", "behaviors.preferredChannels", b.preferred_channels),
        ("behaviors", "behaviors.influencers", b.influencers),
    ]


def translate(icp: Icp, overrides: dict[str, Any] | None = None) -> Translation:
    targeting = Targeting()
    warnings = _from_icp(icp, targeting)
    warnings += _apply_overrides(targeting, overrides or {})
    spec, shaping = _spec(targeting)
    warnings += shaping
    if "geo_locations" not in spec:
        warnings.append(
            "no location maps to a Facebook location; a Facebook targeting spec needs "
            "geo_locations (at least one country)"
        )
    # Entries come from cached tables: the caller gets its own copy to change at will.
    return Translation(copy.deepcopy(spec), warnings)


def _from_icp(icp: Icp, targeting: Targeting) -> list[str]:
    warnings: list[str] = []
    d = icp.demographics
    if d.age_range:
        warnings += _set_ages(targeting, d.age_range, "demographics.ageRange")
    source, texts = "demographics.location", d.locations
    if not texts:
        source, texts = "firmographics.geography", icp.firmographics.geographies
    targeting.geo, problems = geo_of(texts, source)
    warnings += problems
    for key, source, texts in _icp_sources(icp):
        mapped, problems = MAPPERS[key](texts, source)
        targeting.lists[key] = targeting.lists.get(key, []) + mapped
        warnings += problems
    if d.education:
        warnings += _education(targeting, d.education)
    for key in targeting.lists:
        if key != "education_statuses":
            targeting.lists[key] = _distinct_entries(targeting.lists[key])
    return warnings


def _education(targeting: Targeting, text: str) -> list[str]:
    statuses = education.statuses_in(text)
    majors = education.majors_in(text)
    targeting.lists["education_statuses"] = statuses
    targeting.lists["education_majors"] = majors
    if statuses or majors:
        return []
    return [
        f"demographics.education '{text}' names no Facebook education level or major; not targeted"
    ]


def _set_ages(targeting: Targeting, value: Any, source: str) -> list[str]:
    ages = parse_ages(value)
    if ages is None:
        return [f"{source} {value!r} is not an age range like '35-55', '55+' or [30, 50]; ignored"]
    targeting.ages, targeting.ages_label = ages, f"{source} {_shown(value)}"
    return []


def _shown(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else str(list(value))


def _apply_overrides(targeting: Targeting, overrides: dict[str, Any]) -> list[str]:
    """searchCriteria.facebook replaces each field it names; a field whose values all map to
    nothing keeps the ICP's (an override never widens the audience by accident)."""
    warnings: list[str] = []
    for name, value in overrides.items():
        source = f"searchCriteria.facebook.{name}"
        key = _override_names().key_for(name)
        if key is None:
            warnings.append(_override_names().unknown(source, "Facebook"))
        elif key == "ageRange":
            warnings += _set_ages(targeting, value, source)
        elif key in ("age_min", "age_max"):
            warnings += _set_age_bound(targeting, key, value, source)
        elif key == "geo_locations":
            warnings += _override_geo(targeting, value, source)
        else:
            warnings += _override_list(targeting, key, value, source)
    return warnings


def _set_age_bound(targeting: Targeting, key: str, value: Any, source: str) -> list[str]:
    if not isinstance(value, int) or isinstance(value, bool):
        return [f"{source} must be a whole number of years; ignored"]
    low, high = targeting.ages or (_span().bottom, None)
    low, high = (value, high) if key == "age_min" else (low, value)
    if high is not None and low > high:
        return [f"{source} {value} leaves no ages between {low} and {high}; ignored"]
    targeting.ages, targeting.ages_label = (low, high), f"{source} {value}"
    return []


def _override_geo(targeting: Targeting, value: Any, source: str) -> list[str]:
    if isinstance(value, dict):
        geo, warnings = _geo_from_spec(value, source)
    else:
        texts = as_texts(value)
        if texts is None:
            return [f"{source} must be place names or a geo_locations object; ignored"]
        geo, warnings = geo_of(texts, source, codes=True)
    if geo:
        targeting.geo = geo
    else:
        warnings.append(f"{source} has no usable location; the ICP's locations are kept")
    return warnings


def _geo_from_spec(value: dict[str, Any], source: str) -> tuple[Geo, list[str]]:
    """A geo_locations object as Facebook takes it: countries (codes or names), and regions
    and cities as {key, ...} from Facebook's location search."""
    countries = as_texts(value.get("countries") or []) or []
    geo, warnings = geo_of(countries, f"{source}.countries", codes=True)
    for section in ("regions", "cities"):
        for entry in value.get(section) or []:
            if isinstance(entry, dict) and str(entry.get("key", "")).strip():
                geo.add_raw(section, entry)
            else:
                warnings.append(f"{source}.{section} entry {entry!r} has no 'key'; not targeted")
    for section in set(value) - {"countries", "regions", "cities"}:
        warnings.append(f"{source}.{section} is not supported here; ignored")
    return geo, warnings


def _override_list(targeting: Targeting, key: str, value: Any, source: str) -> list[str]:
    items = value if isinstance(value, list | tuple) else [value]
    texts: list[str] = []
    given: list[Any] = []
    warnings: list[str] = []
    for item in items:
        if isinstance(item, dict) and key != "education_statuses":
            entry = _given_entry(item)
            if entry is None:
                warnings.append(f"{source} entry {item!r} has no numeric 'id'; not targeted")
            else:
                given.append(entry)
        elif isinstance(item, str | int) and not isinstance(item, bool):
            texts += as_texts(item) or []
        else:
            warnings.append(f"{source} entry {item!r} is neither a name nor an {{id, name}}")
    mapped, problems = MAPPERS[key](texts, source)
    warnings += problems
    values = mapped + given if key == "education_statuses" else _distinct_entries(mapped + given)
    if values:
        targeting.lists[key] = values
    else:
        warnings.append(f"{source} has no usable value; the ICP's {key} is kept")
    return warnings


def _given_entry(item: dict[str, Any]) -> Entry | None:
    """An entry the campaign resolved itself with Facebook's targeting search."""
    entry_id = str(item.get("id", "")).strip()
    if not entry_id.isdigit():
        return None
    name = str(item.get("name") or "").strip()
    return {"id": entry_id, "name": name} if name else {"id": entry_id}


def _spec(targeting: Targeting) -> tuple[dict[str, Any], list[str]]:
    """The targeting spec in Facebook's field order, empty fields left out, lists capped."""
    spec: dict[str, Any] = {}
    warnings: list[str] = []
    if targeting.ages is not None:
        fitted, problems = _span().fit(targeting.ages, targeting.ages_label)
        warnings += problems
        if fitted is not None:
            spec["age_min"], spec["age_max"] = fitted
    warnings += targeting.geo.without_overlaps()
    limits = _table()["limits"]
    for section in ("countries", "regions", "cities"):
        values, cut = cap(getattr(targeting.geo, section), limits[section], section, "Facebook")
        setattr(targeting.geo, section, values)
        warnings += cut
    if targeting.geo:
        spec["geo_locations"] = targeting.geo.spec()
    for key in LIST_FIELDS:
        values = targeting.lists.get(key, [])
        if key in limits:
            values, cut = cap(values, limits[key], key, "Facebook")
            warnings += cut
        if values:
            spec[key] = values
    return spec, warnings

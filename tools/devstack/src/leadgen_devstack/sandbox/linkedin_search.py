"""LinkedIn people search: criteria -> masks -> a relevance ranking, cached per query.

Criteria (each repeatable; values of one criterion are alternatives):

- keywords     a phrase; matches a profile containing every word of it (stemmed)
- title        matches a current title containing all its words ("VP Engineering" =
               "VP of Engineering" = "Vice President, Engineering"; "CTO" finds "Co-founder
               & CTO"; "Engineering Manager" does not find "Software Engineer")
- geo, geoId   a place by name (city, region, country, code, alias, macro region) or by
               LinkedIn geo id (103644278 is the United States)
- industry, industryId  the employer's industry by name (ours or LinkedIn's: "Computer
               Software") or LinkedIn industry code (4)
- companySize  employee range of the employer: "51-200", "10001+", "SIZE_51_TO_200"
- seniority    LinkedIn seniority name or id (CXO/8, VP/7, Director/6, Manager/5,
               Senior/4, Entry/3, Owner/10) of the current title
- activityLevel  low, medium or high: at least that active (high: 4+ posts in 30 days
               and seen in the last week; medium: a post or seen in the last 30 days)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .geo import CITIES, city_keys, geo_id_places, place_key
from .industries import INDUSTRIES, INDUSTRIES_BY_LINKEDIN_ID
from .matching import industry_key, parse_size, text_words, title_words
from .personas import SIZE_BANDS
from .profile_text import ProfileText
from .roles import LINKEDIN_SENIORITY, TITLE_ROLES, TITLES
from .selection import Ranked, by_company, company_mask, or_, rank, where

CRITERIA = ("keywords", "title", "geo", "industry", "companySize", "seniority", "activityLevel")
ACTIVITY_LEVELS = ("low", "medium", "high")
#: LinkedIn seniority id -> name, for the names and ids a criterion may use.
SENIORITY_NAMES = {
    "10": "Owner", "9": "Partner", "8": "CXO", "7": "VP", "6": "Director", "5": "Manager",
    "4": "Senior", "3": "Entry", "2": "Training", "1": "Unpaid",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class PeopleQuery:
    """Normalised criteria; hashable, so rankings are cached per query."""

    keywords: tuple[frozenset[str], ...] = ()
    titles: tuple[frozenset[str], ...] = ()
    geos: frozenset[str] = frozenset()
    geo_ids: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    industry_ids: frozenset[str] = frozenset()
    sizes: tuple[tuple[int, int], ...] = ()
    seniorities: frozenset[str] = frozenset()
    activity: int | None = None  # lowest ACTIVITY_LEVELS index accepted

    @classmethod
    def parse(cls, params: dict[str, list[str]]) -> PeopleQuery:
        """Raises ValueError for an unparsable company size, seniority or activity level."""

        def values(name: str) -> list[str]:
            return [v for v in params.get(name, []) if v.strip()]

        levels = [v.strip().lower() for v in values("activityLevel")]
        if any(level not in ACTIVITY_LEVELS for level in levels):
            raise ValueError(f"activityLevel must be one of {', '.join(ACTIVITY_LEVELS)}")
        return cls(
            keywords=_distinct(text_words(k) for k in values("keywords")),
            titles=_distinct(title_words(t) for t in values("title")),
            geos=frozenset(place_key(g) for g in values("geo")),
            geo_ids=frozenset(g.strip().removeprefix("urn:li:geo:") for g in values("geoId")),
            industries=frozenset(industry_key(i) for i in values("industry")),
            industry_ids=frozenset(
                i.strip().removeprefix("urn:li:industry:") for i in values("industryId")
            ),
            sizes=tuple(sorted({parse_size(s) for s in values("companySize")})),
            seniorities=frozenset(_seniority(s) for s in values("seniority")),
            activity=min((ACTIVITY_LEVELS.index(level) for level in levels), default=None),
        )

    def criteria(self) -> tuple[str, ...]:
        given = (
            self.keywords,
            self.titles,
            self.geos or self.geo_ids,
            self.industries or self.industry_ids,
            self.sizes,
            self.seniorities,
            self.activity is not None,
        )
        return tuple(name for name, value in zip(CRITERIA, given, strict=True) if value)


def _distinct(word_sets) -> tuple[frozenset[str], ...]:
    return tuple(sorted({words for words in word_sets if words}, key=sorted))


def _seniority(value: str) -> str:
    text = value.strip().removeprefix("urn:li:seniority:")
    name = SENIORITY_NAMES.get(text) or next(
        (n for n in SENIORITY_NAMES.values() if n.lower() == text.lower()), None
    )
    if name is None:
        raise ValueError(f"seniority {value!r} is not a LinkedIn seniority name or id")
    return name


def _title_seniorities(index: int) -> frozenset[str]:
    names = {LINKEDIN_SENIORITY[TITLE_ROLES[index].seniority][0]}
    if "founder" in TITLES[index].lower():
        names.add("Owner")
    return frozenset(names)


class PeopleSearch:
    def __init__(self, population, text: ProfileText, cache_size: int = 128) -> None:
        self.population = population
        self.text = text
        self.columns = population.people_columns
        self.rank = lru_cache(maxsize=cache_size)(self._rank)

    def _rank(self, query: PeopleQuery) -> Ranked:
        masks = {
            "keywords": lambda: or_(*(self.text.keyword_mask(k) for k in query.keywords)),
            "title": lambda: self._titles(query),
            "geo": lambda: self._geo(query),
            "industry": lambda: self._industry(query),
            "companySize": lambda: self._sizes(query),
            "seniority": lambda: self._seniority(query),
            "activityLevel": lambda: where(self.columns.activity_level, range(query.activity, 3)),
        }
        criteria = [(name, masks[name]()) for name in query.criteria()]
        return rank(criteria, len(self.columns))

    def _titles(self, query: PeopleQuery) -> bytes:
        chosen = [i for i, t in enumerate(TITLES) if any(c <= title_words(t) for c in query.titles)]
        return where(self.columns.title, chosen)

    def _geo(self, query: PeopleQuery) -> bytes:
        cities = {c.index for c in CITIES if not query.geos.isdisjoint(city_keys(c))}
        for geo_id in query.geo_ids:
            cities |= geo_id_places().get(geo_id, frozenset())
        return where(self.columns.city, cities)

    def _industry(self, query: PeopleQuery) -> bytes:
        chosen = {i.index for i in INDUSTRIES if i.name.lower() in query.industries}
        for code in query.industry_ids:
            chosen |= {i.index for i in INDUSTRIES_BY_LINKEDIN_ID.get(code, ())}
        return where(self.columns.industry, chosen)

    def _sizes(self, query: PeopleQuery) -> bytes:
        def inside(low: int, high: int) -> bool:
            return any(lo <= low and high <= hi for lo, hi in query.sizes)

        def outside(low: int, high: int) -> bool:
            return all(high < lo or hi < low for lo, hi in query.sizes)

        # Ranges on band edges (the usual case) are judged per band; others per company.
        if all(inside(lo, hi) or outside(lo, hi) for _, lo, hi in SIZE_BANDS):
            return where(
                self.columns.band, [b for b, (_, lo, hi) in enumerate(SIZE_BANDS) if inside(lo, hi)]
            )
        employees = self.population.company_columns.employees
        mask = company_mask(
            len(employees), lambda c: any(lo <= employees[c] <= hi for lo, hi in query.sizes)
        )
        return by_company(self.columns.company, mask)

    def _seniority(self, query: PeopleQuery) -> bytes:
        chosen = [
            i for i in range(len(TITLES)) if not query.seniorities.isdisjoint(_title_seniorities(i))
        ]
        return where(self.columns.title, chosen)

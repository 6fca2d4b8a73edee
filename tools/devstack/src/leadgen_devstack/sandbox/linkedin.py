"""LinkedIn-shaped people search and profiles over the synthetic population.

Mounted under ``/linkedin`` (so ``{SANDBOX_URL}/linkedin`` stands in for
``https://api.linkedin.com``); every route needs ``Authorization: Bearer <key>``.

``GET /linkedin/v2/people/search``
    Query parameters, all optional, list ones repeatable (``title=CTO&title=VP%20Engineering``);
    a criterion with several values matches when any value does:

    - ``keywords`` -- phrase; matches a profile (headline, summary, title, skills, company
      name, industry) containing every word of it, lightly stemmed.
    - ``title`` -- job title; normalised ("VP Engineering" = "VP of Engineering" =
      "Vice President, Engineering"), matches a current title containing all its words.
    - ``geo`` -- city, region, country, ISO country code, alias ("USA", "UK") or macro
      region ("North America", "Western Europe", "APAC") of where the person lives.
    - ``industry`` -- industry of the current employer ("Software", "SaaS", "Cloud
      Computing", "Cybersecurity", ... or LinkedIn names like "Computer Software").
    - ``companySize`` -- employee range of the current employer: "51-200", "10001+" or
      LinkedIn's "SIZE_51_TO_200"; 400 when unparsable.
    - ``start`` (default 0) and ``count`` (default 25, 0-50; 0 returns only the total).

    Ranking: people matching every given criterion first, then those matching fewer, by
    the number matched; ties by member id. People matching none are left out (with no
    criterion at all, everyone matches). So paging from ``start=0`` yields all full
    matches before any partial one, and every match exactly once.

    Response: ``{"elements": [profile + "matchedCriteria"], "paging": {"start", "count",
    "total", "links"}, "metadata": {"criteria", "fullMatchTotal"}}``.

``GET /linkedin/v2/people/{id}``
    One profile by id (``li-000123``); 404 when unknown.

A profile carries LinkedIn's field names (``id``, ``firstName``/``lastName``/``headline``
as localized strings, ``localizedFirstName``, ``localizedLastName``, ``localizedHeadline``,
``vanityName``, ``publicProfileUrl``, ``location``, ``industryName``, ``positions`` with
their ``company``, ``educations``) plus what scoring needs and the real API would only
give partners: ``summary``, ``skills`` and ``activity``.

Errors follow LinkedIn: ``{"status", "serviceErrorCode", "code", "message"}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from .geo import place_keys
from .industries import linkedin_staff_range
from .matching import industry_key, parse_size, place_key, text_words, title_words
from .population import Company, Person, Population, Position
from .provider import Provider, ProviderError

NAME = "linkedin"
MAX_COUNT = 50
DEFAULT_COUNT = 25
CRITERIA = ("keywords", "title", "geo", "industry", "companySize")

_ERRORS = {  # our code -> (serviceErrorCode, LinkedIn code)
    "unauthorized": (65600, "INVALID_ACCESS_TOKEN"),
    "rate_limit": (101, "TOO_MANY_REQUESTS"),
    "not_found": (404, "NOT_FOUND"),
    "invalid_params": (100, "INVALID_PARAM"),
}
_LANGUAGES = frozenset({"de", "fr", "nl", "pt", "es"})


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    service_code, linkedin_code = _ERRORS.get(code, (0, code.upper()))
    return {
        "status": status,
        "serviceErrorCode": service_code,
        "code": linkedin_code,
        "message": message,
    }


def member_id(person: Person) -> str:
    return f"li-{person.index:06d}"


def vanity_name(person: Person) -> str:
    # Multiplying by an odd constant mod 2**32 is a bijection: unique, random-looking.
    return f"{person.slug}-{person.index * 2_654_435_761 % 2**32:08x}"


# -- search ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeopleQuery:
    """Normalised criteria; hashable, so ranked results are cached per query."""

    keywords: tuple[frozenset[str], ...] = ()
    titles: tuple[frozenset[str], ...] = ()
    geos: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    sizes: tuple[tuple[int, int], ...] = ()

    @classmethod
    def parse(
        cls,
        keywords: list[str],
        titles: list[str],
        geos: list[str],
        industries: list[str],
        sizes: list[str],
    ) -> PeopleQuery:
        """Raises ValueError for an unparsable company size."""
        return cls(
            keywords=_distinct(text_words(k) for k in keywords),
            titles=_distinct(title_words(t) for t in titles),
            geos=frozenset(place_key(g) for g in geos if g.strip()),
            industries=frozenset(industry_key(i) for i in industries if i.strip()),
            sizes=tuple(sorted({parse_size(s) for s in sizes if s.strip()})),
        )

    def criteria(self) -> tuple[str, ...]:
        given = (self.keywords, self.titles, self.geos, self.industries, self.sizes)
        return tuple(name for name, values in zip(CRITERIA, given, strict=True) if values)


def _distinct(word_sets: Any) -> tuple[frozenset[str], ...]:
    return tuple(sorted({words for words in word_sets if words}, key=sorted))


@dataclass(frozen=True, slots=True)
class _Entry:
    """What search compares, precomputed once per person."""

    title: frozenset[str]
    places: frozenset[str]
    industry: str
    employees: int


def _entry(person: Person) -> _Entry:
    company = person.company
    return _Entry(
        title=title_words(person.title),
        places=place_keys(person.country, person.city),
        industry=company.industry.name.lower(),
        employees=company.employees,
    )


def _profile_words(person: Person) -> frozenset[str]:
    company = person.company
    parts = (
        person.headline,
        person.summary,
        person.title,
        *person.skills,
        company.name,
        company.industry.name,
    )
    return text_words(" ".join(parts))


@dataclass(frozen=True, slots=True)
class Ranked:
    people: tuple[tuple[int, tuple[str, ...]], ...]  # (person index, criteria matched)
    criteria: tuple[str, ...]
    full_matches: int


class PeopleSearch:
    def __init__(self, population: Population, cache_size: int = 128) -> None:
        self.population = population
        self.entries = tuple(_entry(person) for person in population.people)
        self.rank = lru_cache(maxsize=cache_size)(self._rank)

    @cached_property
    def words(self) -> tuple[frozenset[str], ...]:
        # Built on the first keyword search: it is the slow part of indexing.
        return tuple(_profile_words(person) for person in self.population.people)

    def _rank(self, query: PeopleQuery) -> Ranked:
        criteria = query.criteria()
        words = self.words if query.keywords else ()
        hits = [
            (index, matched)
            for index, entry in enumerate(self.entries)
            if (matched := _matched(query, entry, words[index] if words else frozenset()))
            or not criteria
        ]
        hits.sort(key=lambda hit: (-len(hit[1]), hit[0]))
        full = sum(1 for _, matched in hits if len(matched) == len(criteria))
        return Ranked(tuple(hits), criteria, full)


def _matched(query: PeopleQuery, entry: _Entry, words: frozenset[str]) -> tuple[str, ...]:
    matched: list[str] = []
    if query.keywords and any(phrase <= words for phrase in query.keywords):
        matched.append("keywords")
    if query.titles and any(title <= entry.title for title in query.titles):
        matched.append("title")
    if query.geos and not query.geos.isdisjoint(entry.places):
        matched.append("geo")
    if query.industries and entry.industry in query.industries:
        matched.append("industry")
    if query.sizes and any(low <= entry.employees <= high for low, high in query.sizes):
        matched.append("companySize")
    return tuple(matched)


# -- rendering ---------------------------------------------------------------------------


def _locale(person: Person) -> dict[str, str]:
    language = person.country.locale if person.country.locale in _LANGUAGES else "en"
    return {"country": person.country.code, "language": language}


def _localized(value: str, locale: dict[str, str]) -> dict[str, Any]:
    return {
        "localized": {f"{locale['language']}_{locale['country']}": value},
        "preferredLocale": locale,
    }


def _company(company: Company) -> dict[str, Any]:
    return {
        "id": 10_000 + company.index,
        "urn": f"urn:li:organization:{10_000 + company.index}",
        "name": company.name,
        "domain": company.domain,
        "websiteUrl": f"https://{company.domain}",
        "industry": company.industry.name,
        "staffCount": company.employees,
        "staffCountRange": linkedin_staff_range(company.employees)[0],
        "foundedOn": {"year": company.founded_year},
        "headquarters": {
            "city": company.city.name,
            "region": company.city.region,
            "country": company.country.code,
        },
    }


def _position(position: Position, location: str) -> dict[str, Any]:
    return {
        "title": position.title,
        "seniority": position.role.seniority,
        "function": position.role.function,
        "isCurrent": position.end_year is None,
        "startMonthYear": {"month": position.start_month, "year": position.start_year},
        "endMonthYear": None if position.end_year is None else {"year": position.end_year},
        "companyName": position.company.name,
        "company": _company(position.company),
        "locationName": location if position.end_year is None else None,
    }


def profile(person: Person) -> dict[str, Any]:
    """A member in LinkedIn's field names, plus summary, skills and activity."""
    locale = _locale(person)
    location = f"{person.city.name}, {person.city.region}, {person.country.name}"
    education, activity = person.education, person.activity
    vanity = vanity_name(person)
    return {
        "id": member_id(person),
        "firstName": _localized(person.first_name, locale),
        "lastName": _localized(person.last_name, locale),
        "localizedFirstName": person.first_name,
        "localizedLastName": person.last_name,
        "headline": _localized(person.headline, locale),
        "localizedHeadline": person.headline,
        "vanityName": vanity,
        "publicProfileUrl": f"https://www.linkedin.com/in/{vanity}",
        "location": {
            "city": person.city.name,
            "region": person.city.region,
            "country": person.country.name,
            "countryCode": person.country.code,
            "localizedName": location,
        },
        "industryName": person.company.industry.name,
        "summary": person.summary,
        "skills": list(person.skills),
        "positions": [_position(position, location) for position in person.positions],
        "educations": [
            {
                "schoolName": education.school,
                "degreeName": education.degree,
                "fieldOfStudy": education.field_of_study,
                "startMonthYear": {"year": education.start_year},
                "endMonthYear": {"year": education.end_year},
            }
        ],
        "activity": {
            "postsLast30Days": activity.posts_last_30d,
            "lastActiveDays": activity.last_active_days,
            "connections": activity.connections,
            "followers": activity.followers,
            "recentTopics": list(activity.recent_topics),
        },
    }


def _links(request: Request, start: int, count: int, total: int) -> list[dict[str, Any]]:
    links = []
    if count and start + count < total:
        links.append(("next", start + count))
    if count and start > 0:
        links.append(("prev", max(0, start - count)))
    return [
        {
            "rel": rel,
            "type": "application/json",
            "href": str(request.url.include_query_params(start=at, count=count)).removeprefix(
                f"{request.url.scheme}://{request.url.netloc}"
            ),
        }
        for rel, at in links
    ]


# -- routes ------------------------------------------------------------------------------

Repeated = Annotated[list[str], Query()]


def provider(population: Population) -> Provider:
    search = PeopleSearch(population)
    router = APIRouter(prefix="/v2")

    @router.get("/people/search")
    def search_people(
        request: Request,
        keywords: Repeated = [],  # noqa: B006 -- FastAPI copies defaults per request
        title: Repeated = [],  # noqa: B006
        geo: Repeated = [],  # noqa: B006
        industry: Repeated = [],  # noqa: B006
        company_size: Annotated[list[str], Query(alias="companySize")] = [],  # noqa: B006
        start: Annotated[int, Query(ge=0)] = 0,
        count: Annotated[int, Query(ge=0, le=MAX_COUNT)] = DEFAULT_COUNT,
    ) -> dict[str, Any]:
        try:
            query = PeopleQuery.parse(keywords, title, geo, industry, company_size)
        except ValueError as exc:
            raise ProviderError(400, error_body(400, "invalid_params", str(exc))) from exc
        ranked = search.rank(query)
        page = ranked.people[start : start + count]
        people = population.people
        return {
            "elements": [
                {**profile(people[index]), "matchedCriteria": list(matched)}
                for index, matched in page
            ],
            "paging": {
                "start": start,
                "count": count,
                "total": len(ranked.people),
                "links": _links(request, start, count, len(ranked.people)),
            },
            "metadata": {"criteria": list(ranked.criteria), "fullMatchTotal": ranked.full_matches},
        }

    @router.get("/people/{person_id}")
    def get_person(person_id: str) -> dict[str, Any]:
        index = _index_of(person_id, len(population.people))
        if index is None:
            message = f"Member {person_id} does not exist"
            raise ProviderError(404, error_body(404, "not_found", message))
        return profile(population.people[index])

    return Provider(name=NAME, router=router, error_body=error_body, validation_status=400)


def _index_of(person_id: str, size: int) -> int | None:
    prefix, _, digits = person_id.partition("-")
    if prefix != "li" or not digits.isdigit():
        return None
    index = int(digits)
    return index if index < size and person_id == f"li-{index:06d}" else None

"""People and companies as objects, made from their columns when a response needs them.

A profile's free text is built only from column values (title, employer, industry, city,
concerns, skills, values), so what a search matches is exactly what the profile says.
What no search compares -- names, schools, earlier jobs, follower counts, founding year,
tech stack -- is drawn here from a random generator seeded by the person's (or
company's) index, so rendering the same person twice gives the same profile.
"""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass

from .concerns import PHRASINGS, TOPICS, VALUES
from .generator import NONE, CompanyColumns, PeopleColumns
from .geo import CITIES, COUNTRIES, COUNTRY_BY_CODE, City, Country
from .industries import INDUSTRIES, Industry
from .personas import SIZE_BANDS
from .roles import ALL_SKILLS, ROLES, TITLE_ROLES, TITLES, Role
from .shared_tables import behaviors, interests
from .vocabulary import (
    AUDIENCES,
    DEGREES,
    FIELDS_OF_STUDY,
    FIRST_NAMES,
    LAST_NAMES,
    SCHOOLS,
    STREET_NAMES,
    TECH_STACK,
)

#: "Now" of the population: founding years, tenures and graduations count back from it.
REFERENCE_YEAR = 2025
_ROLES_BY_FUNCTION: dict[str, tuple[Role, ...]] = {}
for _role in ROLES:
    _ROLES_BY_FUNCTION[_role.function] = (*_ROLES_BY_FUNCTION.get(_role.function, ()), _role)


@dataclass(frozen=True, slots=True)
class Company:
    index: int
    name: str
    domain: str
    industry: Industry
    employees: int
    size_band: str  # LinkedIn band label, "51-200"
    founded_year: int
    country: Country
    city: City
    street_address: str
    tags: tuple[str, ...]
    tech: tuple[tuple[str, str], ...]  # (slug, category) as Clearbit reports them
    raised: int  # total funding in USD, 0 when bootstrapped
    annual_revenue: int  # estimated, USD
    description: str
    email_pattern: int  # index into emails.PATTERNS
    accepts_all: bool  # its mail server accepts any address (catch-all)


@dataclass(frozen=True, slots=True)
class Education:
    school: str
    degree: str
    field_of_study: str
    start_year: int
    end_year: int
    facebook_status: int  # Facebook education status enum of the degree


@dataclass(frozen=True, slots=True)
class Position:
    title: str
    role: Role
    company: Company
    start_year: int
    start_month: int
    end_year: int | None  # None while current


@dataclass(frozen=True, slots=True)
class Activity:
    posts_last_30d: int
    last_active_days: int
    connections: int
    followers: int
    recent_topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Person:
    index: int
    first_name: str
    last_name: str
    slug: str  # ASCII "first-last", the base of vanity names, handles and emails
    age: int
    country: Country
    city: City
    headline: str
    summary: str
    skills: tuple[str, ...]
    positions: tuple[Position, ...]  # current first
    education: Education
    activity: Activity
    pains: tuple[str, str]  # the two concerns the profile names, as worded
    value: str  # the closing sentence of the summary
    interests: tuple[dict[str, str], ...]  # Facebook interests {id, name}
    behaviors: tuple[dict[str, str], ...]  # Facebook behaviors {id, name}
    on_facebook: bool
    on_x: bool

    @property
    def current(self) -> Position:
        return self.positions[0]

    @property
    def company(self) -> Company:
        return self.positions[0].company

    @property
    def title(self) -> str:
        return self.positions[0].title

    @property
    def role(self) -> Role:
        return self.positions[0].role


def ascii_slug(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in folded.lower()).split())


def render_company(columns: CompanyColumns, index: int, seed: int) -> Company:
    rng = random.Random(seed * 7_919 + index)
    industry = INDUSTRIES[columns.industry[index]]
    country = COUNTRIES[columns.country[index]]
    city = CITIES[columns.city[index]]
    employees = columns.employees[index]
    name = columns.name[index]
    youngest = REFERENCE_YEAR - 1 - min(30, int(math.log10(employees) * 6))
    oldest = 1995 if industry.tech else 1950
    founded = rng.randint(oldest, max(oldest, youngest))
    raised = 0
    if rng.random() < (0.7 if industry.tech else 0.2):
        raised = int(round(min(employees * rng.uniform(0.05, 0.4), 2_000) * 1_000_000, -5))
    per_head = rng.uniform(120_000, 280_000) if industry.tech else rng.uniform(60_000, 200_000)
    stack = tuple(rng.sample(TECH_STACK[industry.tech], rng.randint(3, 8)))
    description = (
        f"{name} builds {industry.offering} for {rng.choice(AUDIENCES)}. "
        f"Founded in {founded}, headquartered in {city.name}, {country.name}."
    )
    return Company(
        index=index,
        name=name,
        domain=columns.domain[index],
        industry=industry,
        employees=employees,
        size_band=SIZE_BANDS[columns.band[index]][0],
        founded_year=founded,
        country=country,
        city=city,
        street_address=f"{rng.randint(1, 999)} {rng.choice(STREET_NAMES)}",
        tags=industry.tags + (("Venture Capital Backed",) if raised else ()),
        tech=stack,
        raised=raised,
        annual_revenue=int(employees * per_head),
        description=description,
        email_pattern=rng.randrange(6),
        accepts_all=rng.random() < 0.1,
    )


def headline(style: int, title: str, company: str, industry: str, pain: str,
             skills: tuple[str, ...]) -> str:  # fmt: skip
    if style == 0:
        return f"{title} at {company}"
    if style == 1:
        return f"{title} @ {company} | {pain[:1].upper()}{pain[1:]}"
    if style == 2:
        return f"{title} | {' | '.join(skills[:2])}"
    return f"{title} at {company} | {industry}"


def summary(role: Role, title: str, company: Company, city: City, pains: tuple[str, str],
            value: str) -> str:  # fmt: skip
    verb = "work on" if role.seniority in ("IC", "Senior IC") else "lead"
    return (
        f"{title} at {company.name}, a {company.industry.name} company in {city.name}. "
        f"I {verb} {role.function.lower()} with a focus on {pains[0]} and {pains[1]}. {value}"
    )


def person_names(columns: PeopleColumns, index: int, seed: int) -> tuple[str, str]:
    """(first, last) name: from the country's name pool, some from the English one."""
    rng = random.Random(seed * 999_983 + index)
    country = COUNTRY_BY_CODE[CITIES[columns.city[index]].country_code]
    locale = country.locale if rng.random() < 0.9 else "en"
    return rng.choice(FIRST_NAMES[locale]), rng.choice(LAST_NAMES[locale])


def render_person(
    columns: PeopleColumns, index: int, seed: int, company_of: callable, company_count: int
) -> Person:
    """Person ``index``; ``company_of(i)`` renders company i (the population caches them)."""
    rng = random.Random(seed * 1_000_003 + index)
    title = TITLES[columns.title[index]]
    role = TITLE_ROLES[columns.title[index]]
    city = CITIES[columns.city[index]]
    country = COUNTRY_BY_CODE[city.country_code]
    company = company_of(columns.company[index])
    first, last = person_names(columns, index, seed)
    age = columns.age[index]
    skills = tuple(ALL_SKILLS[s[index]] for s in columns.skills if s[index] != NONE)
    pains = (PHRASINGS[columns.pain1[index]], PHRASINGS[columns.pain2[index]])
    value = VALUES[columns.value[index]]
    start_year = REFERENCE_YEAR - min(age - 21, int(rng.expovariate(1 / 3.0)))
    current = Position(title, role, company, start_year, rng.randint(1, 12), None)
    positions = (current, *_previous(rng, current, company_of, company_count))
    return Person(
        index=index,
        first_name=first,
        last_name=last,
        slug=f"{ascii_slug(first)}-{ascii_slug(last)}",
        age=age,
        country=country,
        city=city,
        headline=headline(
            columns.headline[index], title, company.name, company.industry.name, pains[0], skills
        ),
        summary=summary(role, title, company, city, pains, value),
        skills=skills,
        positions=positions,
        education=_education(rng, columns, index, age, country),
        activity=_activity(rng, columns, index, role),
        pains=pains,
        value=value,
        interests=tuple(interests()[s[index]] for s in columns.interests if s[index] != NONE),
        behaviors=_behaviors(columns, index),
        on_facebook=bool(columns.platforms[index] & 1),
        on_x=bool(columns.platforms[index] & 2),
    )


def _previous(rng: random.Random, current: Position, company_of: callable,
              company_count: int) -> tuple[Position, ...]:  # fmt: skip
    if rng.random() >= 0.7 or current.start_year <= REFERENCE_YEAR - 30:
        return ()
    role = rng.choice(_ROLES_BY_FUNCTION[current.role.function])
    start = current.start_year - rng.randint(1, 6)
    earlier = company_of(rng.randrange(company_count))
    return (Position(role.key, role, earlier, start, rng.randint(1, 12), current.start_year),)


def _education(rng: random.Random, columns: PeopleColumns, index: int, age: int,
               country: Country) -> Education:  # fmt: skip
    degree, status = DEGREES[columns.degree[index]]
    years = 2 if degree == "Associate Degree" else 4 if degree.startswith("Bachelor") else 6
    end = REFERENCE_YEAR - age + 18 + years
    schools = SCHOOLS.get(country.code) or SCHOOLS["US"]
    return Education(
        rng.choice(schools), degree, FIELDS_OF_STUDY[columns.field[index]], end - years, end, status
    )


def _activity(rng: random.Random, columns: PeopleColumns, index: int, role: Role) -> Activity:
    leader = role.seniority in ("C-level", "VP", "Director", "Head")
    connections = min(30_000, int(rng.lognormvariate(6.3 if leader else 5.6, 0.8)))
    followers = int(connections * rng.uniform(0.8, 3.5 if leader else 1.6))
    topics = tuple(TOPICS[t[index]] for t in columns.topics if t[index] != NONE)
    return Activity(
        columns.posts[index], columns.last_active[index], max(connections, 12), followers, topics
    )


def _behaviors(columns: PeopleColumns, index: int) -> tuple[dict[str, str], ...]:
    mask = columns.behaviors[0][index] | (columns.behaviors[1][index] << 8)
    return tuple(entry for bit, entry in enumerate(behaviors()) if mask >> bit & 1)

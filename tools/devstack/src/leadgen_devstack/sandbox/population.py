"""A deterministic synthetic population of companies and the people who work there.

`build_population(size, seed)` draws everything from one seeded `random.Random`, in
a fixed order, from tuples (never from sets, whose order changes with PYTHONHASHSEED),
so the same size and seed give the same population on every run and machine.

It is shaped for the sample ICP (CTO / VP Engineering / Director of Engineering / Head
of Product at 51-1000 person Software, SaaS, Cloud or Cybersecurity companies in the US,
UK or Canada): tech companies lean to those countries and to engineering leadership,
so a few percent of people match every criterion and many more match some.
"""

from __future__ import annotations

import hashlib
import math
import random
import unicodedata
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate

from .geo import COUNTRIES, City, Country
from .industries import INDUSTRIES, Industry
from .roles import ROLES, SKILLS, TECH_FUNCTIONS, Role
from .vocabulary import (
    AUDIENCES,
    DEGREES,
    FIELDS_OF_STUDY,
    FIRST_NAMES,
    ICP_PAIN_CONCERNS,
    LAST_NAMES,
    NAME_PREFIXES,
    NAME_ROOTS,
    OTHER_PAINS,
    OTHER_TOPICS,
    OTHER_VALUES,
    SCHOOLS,
    STREET_NAMES,
    TECH_CONCERNS,
    TECH_STACK,
    TECH_VALUES,
    TRIGGER_TOPICS,
)

DEFAULT_SIZE = 20_000
DEFAULT_SEED = 20_240_611
#: "Now" of the population: founding years, tenures and graduations count back from it.
REFERENCE_YEAR = 2025
PEOPLE_PER_COMPANY = 6


@dataclass(frozen=True, slots=True)
class Company:
    index: int
    name: str
    domain: str
    industry: Industry
    employees: int
    founded_year: int
    country: Country
    city: City
    street_address: str
    tags: tuple[str, ...]
    tech: tuple[tuple[str, str], ...]  # (slug, category) as Clearbit reports them
    raised: int  # total funding in USD, 0 when bootstrapped
    annual_revenue: int  # estimated, USD
    description: str


@dataclass(frozen=True, slots=True)
class Education:
    school: str
    degree: str
    field_of_study: str
    start_year: int
    end_year: int


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
    slug: str  # ASCII "first-last", the base of vanity names and handles
    age: int
    country: Country
    city: City
    headline: str
    summary: str
    skills: tuple[str, ...]
    positions: tuple[Position, ...]  # current first
    education: Education
    activity: Activity

    @property
    def current(self) -> Position:
        return self.positions[0]

    @property
    def company(self) -> Company:
        return self.positions[0].company

    @property
    def title(self) -> str:
        return self.positions[0].title


@dataclass(frozen=True, slots=True)
class Population:
    size: int
    seed: int
    people: tuple[Person, ...]
    companies: tuple[Company, ...]
    company_by_domain: dict[str, Company]

    def fingerprint(self) -> str:
        """sha256 over every generated field: equal fingerprints mean equal populations."""
        digest = hashlib.sha256()
        for company in self.companies:
            digest.update(repr(_company_row(company)).encode())
        for person in self.people:
            digest.update(repr(_person_row(person)).encode())
        return digest.hexdigest()


def _company_row(c: Company) -> tuple[object, ...]:
    return (
        c.name,
        c.domain,
        c.industry.name,
        c.employees,
        c.founded_year,
        c.country.code,
        c.city.name,
        c.street_address,
        c.tags,
        c.tech,
        c.raised,
        c.annual_revenue,
        c.description,
    )


def _person_row(p: Person) -> tuple[object, ...]:
    positions = tuple(
        (q.title, q.company.index, q.start_year, q.start_month, q.end_year) for q in p.positions
    )
    return (
        p.first_name,
        p.last_name,
        p.slug,
        p.age,
        p.country.code,
        p.city.name,
        p.headline,
        p.summary,
        p.skills,
        positions,
        p.education,
        p.activity,
    )


class _Weighted:
    """Weighted choice by bisecting cumulative weights (one rng.random() per draw)."""

    def __init__(self, items: tuple, weights: tuple[float, ...]) -> None:
        self.items = items
        self.cumulative = tuple(accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


# Country mix of companies: tech clusters in the US, UK and Canada.
_COUNTRY_WEIGHTS = {
    True: {
        "US": 45,
        "GB": 13,
        "CA": 8,
        "DE": 7,
        "FR": 5,
        "NL": 4,
        "IN": 8,
        "AU": 5,
        "BR": 3,
        "ES": 2,
    },
    False: {
        "US": 30,
        "GB": 10,
        "CA": 6,
        "DE": 11,
        "FR": 9,
        "NL": 4,
        "IN": 13,
        "AU": 6,
        "BR": 7,
        "ES": 4,
    },
}
# Employee bands (low, high, weight) for tech and other companies.
_SIZE_BANDS = {
    True: (
        (2, 10, 9),
        (11, 50, 24),
        (51, 200, 29),
        (201, 500, 18),
        (501, 1000, 9),
        (1001, 5000, 7),
        (5001, 10000, 2),
        (10001, 60000, 2),
    ),
    False: (
        (2, 10, 10),
        (11, 50, 22),
        (51, 200, 24),
        (201, 500, 16),
        (501, 1000, 10),
        (1001, 5000, 11),
        (5001, 10000, 4),
        (10001, 120000, 3),
    ),
}
# Age range per seniority: (youngest, oldest, most common).
_AGES = {
    "C-level": (33, 64, 46),
    "VP": (33, 62, 44),
    "Director": (31, 60, 42),
    "Head": (29, 58, 39),
    "Manager": (27, 60, 36),
    "Senior IC": (26, 60, 34),
    "IC": (21, 50, 28),
}
_HEADLINE_STYLES = 4
_LEADERS = frozenset({"C-level", "VP", "Director", "Head"})


class _Generator:
    def __init__(self, size: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.size = size
        self.industries = _Weighted(INDUSTRIES, tuple(i.weight for i in INDUSTRIES))
        self.countries = {
            tech: _Weighted(COUNTRIES, tuple(weights[c.code] for c in COUNTRIES))
            for tech, weights in _COUNTRY_WEIGHTS.items()
        }
        self.sizes = {
            tech: _Weighted(bands, tuple(band[2] for band in bands))
            for tech, bands in _SIZE_BANDS.items()
        }
        self.roles = {
            True: _Weighted(ROLES, tuple(r.tech_weight for r in ROLES)),
            False: _Weighted(ROLES, tuple(r.other_weight for r in ROLES)),
        }
        self.roles_by_function = {fn: tuple(r for r in ROLES if r.function == fn) for fn in SKILLS}
        self.ascii = {
            name: _ascii_slug(name)
            for names in (*FIRST_NAMES.values(), *LAST_NAMES.values())
            for name in names
        }
        self.domains: set[str] = set()
        self.taken_roles: set[tuple[int, str]] = set()

    # -- companies -------------------------------------------------------------------

    def companies(self, count: int) -> tuple[Company, ...]:
        return tuple(self.company(index) for index in range(count))

    def company(self, index: int) -> Company:
        rng = self.rng
        industry: Industry = self.industries.pick(rng)
        country: Country = self.countries[industry.tech].pick(rng)
        city = rng.choice(country.cities)
        low, high, _ = self.sizes[industry.tech].pick(rng)
        employees = int(math.exp(rng.uniform(math.log(low), math.log(high + 1))))
        name, domain = self.company_name(industry, country)
        founded = self.founded_year(industry, employees)
        raised = self.funding(industry, employees)
        per_head = rng.uniform(120_000, 280_000) if industry.tech else rng.uniform(60_000, 200_000)
        stack = rng.sample(TECH_STACK[industry.tech], rng.randint(3, 8))
        tags = industry.tags + (("Venture Capital Backed",) if raised else ())
        description = (
            f"{name} builds {industry.offering} for {rng.choice(AUDIENCES)}. "
            f"Founded in {founded}, headquartered in {city.name}, {country.name}."
        )
        return Company(
            index=index,
            name=name,
            domain=domain,
            industry=industry,
            employees=employees,
            founded_year=founded,
            country=country,
            city=city,
            street_address=f"{rng.randint(1, 999)} {rng.choice(STREET_NAMES)}",
            tags=tags,
            tech=tuple(stack),
            raised=raised,
            annual_revenue=int(employees * per_head),
            description=description,
        )

    def company_name(self, industry: Industry, country: Country) -> tuple[str, str]:
        rng = self.rng
        for attempt in range(50):
            stem = rng.choice(NAME_PREFIXES) + rng.choice(NAME_ROOTS)
            if attempt >= 10:  # the name space is crowded: number the stem
                stem += str(rng.randint(2, 99))
            tld = rng.choice(industry.tlds + (country.tld,))
            domain = f"{stem.lower()}.{tld}"
            if domain not in self.domains:
                self.domains.add(domain)
                word = rng.choice(industry.name_words)
                return (f"{stem} {word}" if word else stem), domain
        raise RuntimeError("could not find a free company domain")

    def founded_year(self, industry: Industry, employees: int) -> int:
        # Tech companies are young; big companies are older than small ones.
        youngest = REFERENCE_YEAR - 1 - min(30, int(math.log10(employees) * 6))
        oldest = 1995 if industry.tech else 1950
        return self.rng.randint(oldest, max(oldest, youngest))

    def funding(self, industry: Industry, employees: int) -> int:
        if self.rng.random() >= (0.7 if industry.tech else 0.2):
            return 0
        millions = employees * self.rng.uniform(0.05, 0.4)
        return int(round(min(millions, 2_000) * 1_000_000, -5))

    # -- people ----------------------------------------------------------------------

    def people(self, companies: tuple[Company, ...]) -> tuple[Person, ...]:
        # Bigger companies have more members, but far from proportionally to headcount.
        employers = _Weighted(companies, tuple(c.employees**0.35 for c in companies))
        return tuple(
            self.person(index, employers.pick(self.rng), companies) for index in range(self.size)
        )

    def person(self, index: int, company: Company, companies: tuple[Company, ...]) -> Person:
        rng = self.rng
        role = self.role(company)
        title = rng.choice(role.spellings)
        # Most people live where their employer is; some work remotely from elsewhere.
        if rng.random() < 0.88:
            country, city = company.country, company.city
        else:
            country = self.countries[company.industry.tech].pick(rng)
            city = rng.choice(country.cities)
        # Names follow the country, with a share of English names everywhere (migration).
        locale = country.locale if rng.random() < 0.9 else "en"
        first = rng.choice(FIRST_NAMES[locale])
        last = rng.choice(LAST_NAMES[locale])
        low, high, mode = _AGES[role.seniority]
        age = int(rng.triangular(low, high, mode))
        tech_minded = role.function in TECH_FUNCTIONS
        pains = self.pains(role, company)
        skills = tuple(
            rng.sample(SKILLS[role.function], min(len(SKILLS[role.function]), rng.randint(4, 7)))
        )
        current = Position(title, role, company, *self.start(age), None)
        positions = (current, *self.previous(current, companies))
        return Person(
            index=index,
            first_name=first,
            last_name=last,
            slug=f"{self.ascii[first]}-{self.ascii[last]}",
            age=age,
            country=country,
            city=city,
            headline=self.headline(title, company, pains, skills),
            summary=self.summary(role, title, company, city, pains, tech_minded),
            skills=skills,
            positions=positions,
            education=self.education(age, country, tech_minded),
            activity=self.activity(role, company),
        )

    def role(self, company: Company) -> Role:
        # One CEO, one CTO, ... per company: a taken C-level seat draws again.
        for _ in range(8):
            role: Role = self.roles[company.industry.tech].pick(self.rng)
            seat = (company.index, role.spellings[0])
            if not role.unique_per_company or seat not in self.taken_roles:
                self.taken_roles.add(seat)
                return role
        return self.roles_by_function["Engineering"][-1]

    def pains(self, role: Role, company: Company) -> tuple[str, str]:
        rng = self.rng
        tech_minded = role.function in TECH_FUNCTIONS
        if not tech_minded or rng.random() >= (0.9 if company.industry.tech else 0.45):
            first, second = rng.sample(OTHER_PAINS, 2)
            return first, second
        # Tech leaders at tech companies mostly name one of the ICP's pains first.
        core = company.industry.tech and role.seniority in _LEADERS and rng.random() < 0.9
        concerns = rng.sample(range(len(TECH_CONCERNS)), 2)
        if core:
            concerns[0] = rng.randrange(ICP_PAIN_CONCERNS)
            if concerns[1] == concerns[0]:
                concerns[1] = len(TECH_CONCERNS) - 1 - concerns[0]
        first, second = (self.wording(TECH_CONCERNS[concern]) for concern in concerns)
        return first, second

    def wording(self, phrasings: tuple[str, ...]) -> str:
        return phrasings[0] if self.rng.random() < 0.6 else self.rng.choice(phrasings)

    def start(self, age: int) -> tuple[int, int]:
        tenure = min(age - 21, int(self.rng.expovariate(1 / 3.0)))
        return REFERENCE_YEAR - tenure, self.rng.randint(1, 12)

    def previous(self, current: Position, companies: tuple[Company, ...]) -> tuple[Position, ...]:
        rng = self.rng
        if rng.random() >= 0.7 or current.start_year <= REFERENCE_YEAR - 30:
            return ()
        role = rng.choice(self.roles_by_function[current.role.function])
        start = current.start_year - rng.randint(1, 6)
        return (
            Position(
                role.spellings[0],
                role,
                rng.choice(companies),
                start,
                rng.randint(1, 12),
                current.start_year,
            ),
        )

    def headline(
        self, title: str, company: Company, pains: tuple[str, str], skills: tuple[str, ...]
    ) -> str:
        style = self.rng.randrange(_HEADLINE_STYLES)
        if style == 0:
            return f"{title} at {company.name}"
        if style == 1:
            return f"{title} @ {company.name} | {pains[0][:1].upper()}{pains[0][1:]}"
        if style == 2:
            return f"{title} | {' | '.join(skills[:2])}"
        return f"{title} at {company.name} | {company.industry.name}"

    def summary(
        self,
        role: Role,
        title: str,
        company: Company,
        city: City,
        pains: tuple[str, str],
        tech_minded: bool,
    ) -> str:
        values = TECH_VALUES if tech_minded else OTHER_VALUES
        verb = "work on" if role.seniority in ("IC", "Senior IC") else "lead"
        return (
            f"{title} at {company.name}, a {company.industry.name} company in {city.name}. "
            f"I {verb} {role.function.lower()} with a focus on {pains[0]} and {pains[1]}. "
            f"{self.rng.choice(values)}"
        )

    def education(self, age: int, country: Country, tech_minded: bool) -> Education:
        rng = self.rng
        degree = rng.choice(DEGREES)
        years = 4 if degree.startswith("Bachelor") else 6 if degree == "PhD" else 5
        end = REFERENCE_YEAR - age + 22 + years - 4
        return Education(
            rng.choice(SCHOOLS[country.code]),
            degree,
            rng.choice(FIELDS_OF_STUDY[tech_minded]),
            end - years,
            end,
        )

    def activity(self, role: Role, company: Company) -> Activity:
        rng = self.rng
        leader = role.seniority in _LEADERS
        mean_posts = (6.0 if leader else 2.5) * (1.4 if company.industry.tech else 1.0)
        posts = min(60, int(rng.expovariate(1 / mean_posts)))
        last_active = 0 if posts and rng.random() < 0.5 else min(365, int(rng.expovariate(1 / 12)))
        connections = min(30_000, int(rng.lognormvariate(6.3 if leader else 5.6, 0.8)))
        followers = int(connections * rng.uniform(0.8, 3.5 if leader else 1.6))
        topics = TRIGGER_TOPICS if company.industry.tech and rng.random() < 0.6 else OTHER_TOPICS
        recent = tuple(rng.sample(topics, min(posts, 2)))
        return Activity(posts, last_active, max(connections, 12), followers, recent)


def _ascii_slug(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch if ch.isalnum() else "-" for ch in folded.lower()).strip("-")


def build_population(size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED) -> Population:
    """People and their companies; the same (size, seed) always gives the same population."""
    if size < 1:
        raise ValueError("population size must be positive")
    generator = _Generator(size, seed)
    companies = generator.companies(max(20, size // PEOPLE_PER_COMPANY))
    people = generator.people(companies)
    return Population(
        size=size,
        seed=seed,
        people=people,
        companies=companies,
        company_by_domain={company.domain: company for company in companies},
    )

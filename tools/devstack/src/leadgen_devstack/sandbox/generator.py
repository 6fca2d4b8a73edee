"""Drawing the population as columns: one byte (or int) per person per attribute.

Everything a search compares is drawn here, from one seeded ``random.Random`` in a fixed
order (tuples, never sets), so the same size and seed give the same columns on every
run. What only a rendered profile needs (names, schools, earlier jobs) is drawn later,
per person, by render.py. People are dealt to archetypes (personas.json) by share and
shuffled; each archetype draws its people's industry, company size, country and role
within its constraints, then companies are made for each (industry, size, country)
bucket and its people spread over them, at most one holder of a C-level seat each.
"""

from __future__ import annotations

import math
import random
from array import array
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from .concerns import (
    CONCERN_BY_KEY,
    FUNCTION_CONCERNS,
    FUNCTION_INTERESTS,
    ICP_CONCERNS,
    ICP_PAINS,
    INDUSTRY_CONCERNS,
    INDUSTRY_INTERESTS,
    OTHER_TOPICS,
    PHRASINGS,
    TECH_VALUES,
    TRIGGER_TOPICS,
)
from .geo import COUNTRIES, COUNTRY_BY_CODE
from .industries import INDUSTRIES, INDUSTRY_BY_NAME
from .personas import BAND_LABELS, SIZE_BANDS, Archetype, archetypes
from .roles import (
    ALL_SKILLS,
    LEADERS,
    ROLE_BY_KEY,
    SKILLS,
    TECH_FUNCTIONS,
    TITLE_ROLES,
    TITLES,
    Role,
)
from .shared_tables import behaviors, interests
from .vocabulary import (
    CS_FIELDS,
    DEGREE_WEIGHTS,
    DEGREES,
    FIELDS_BY_FUNCTION,
    FIELDS_OF_STUDY,
    NAME_PREFIXES,
    NAME_ROOTS,
)

NONE = 255  # an empty slot of a byte column
SKILL_SLOTS = 5
INTEREST_SLOTS = 5

# Company mix: (share at tech employers, share elsewhere) per country.
COUNTRY_WEIGHTS: dict[str, tuple[float, float]] = {
    "US": (40, 26), "GB": (11, 8), "CA": (7, 5), "DE": (6, 8), "FR": (4, 6), "NL": (3, 3),
    "IE": (2, 1), "ES": (2, 3), "IT": (1, 4), "SE": (2, 2), "CH": (1, 2), "PL": (2, 2),
    "IL": (2, 1), "AE": (1, 1), "IN": (7, 8), "JP": (1, 3), "SG": (2, 1), "AU": (4, 4),
    "NZ": (1, 1), "BR": (2, 4), "MX": (1, 3), "ZA": (1, 2),
}  # fmt: skip
# Company-size band weights (SIZE_BANDS order) at tech and other employers.
BAND_WEIGHTS: dict[bool, tuple[float, ...]] = {
    True: (1, 8, 24, 29, 18, 9, 6, 2, 2),
    False: (2, 9, 22, 24, 16, 10, 10, 4, 3),
}
# Members a company of each band has in the population, on average.
PEOPLE_PER_COMPANY = (1, 2, 3, 5, 8, 12, 20, 30, 45)
# Age per seniority: (youngest, oldest, most common).
AGES = {
    "C-level": (33, 64, 46),
    "VP": (33, 62, 44),
    "Director": (31, 60, 42),
    "Head": (29, 58, 39),
    "Manager": (27, 60, 36),
    "Senior IC": (26, 60, 34),
    "IC": (21, 50, 28),
}


@dataclass(frozen=True, slots=True)
class CompanyColumns:
    industry: bytes
    band: bytes
    country: bytes
    city: bytes
    employees: array  # 'I'
    name: tuple[str, ...]
    domain: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PeopleColumns:
    archetype: bytes
    title: bytes  # index into roles.TITLES
    city: bytes  # index into geo.CITIES
    company: array  # 'I', index into the companies
    industry: bytes  # the employer's, copied so searches need not look it up
    band: bytes  # the employer's size band
    age: bytes
    posts: bytes  # posts in the last 30 days
    last_active: array  # 'H', days since last seen
    activity_level: bytes  # 0 low, 1 medium, 2 high (LinkedIn activityLevel)
    pain1: bytes  # index into concerns.PHRASINGS
    pain2: bytes
    value: bytes  # index into concerns.VALUES
    headline: bytes  # headline style 0-3
    skills: tuple[bytes, ...]  # slots of roles.ALL_SKILLS indexes, NONE when empty
    interests: tuple[bytes, ...]  # slots of Facebook interest catalogue indexes
    behaviors: tuple[bytes, bytes]  # bit masks of Facebook behaviors 0-7 and 8-15
    degree: bytes  # index into vocabulary.DEGREES
    field: bytes  # index into vocabulary.FIELDS_OF_STUDY
    topics: tuple[bytes, bytes]  # indexes into concerns.TOPICS, NONE when empty
    platforms: bytes  # bit 0: on Facebook, bit 1: on X

    def __len__(self) -> int:
        return len(self.archetype)


class _Table:
    """Weighted choice by bisecting cumulative weights (one random() per draw)."""

    def __init__(self, items: Sequence, weights: Sequence[float]) -> None:
        pairs = [(item, weight) for item, weight in zip(items, weights, strict=True) if weight > 0]
        if not pairs:
            pairs = [(item, 1.0) for item in items]
        self.items = tuple(item for item, _ in pairs)
        self.cumulative = tuple(accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]

    def pick(self, random_: float):
        return self.items[bisect(self.cumulative, random_ * self.total)]


def apportion(size: int, shares: Sequence[float]) -> list[int]:
    """Whole counts in proportion to shares, summing to size (largest remainder)."""
    total = sum(shares)
    exact = [size * share / total for share in shares]
    counts = [int(value) for value in exact]
    order = sorted(range(len(shares)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: size - sum(counts)]:
        counts[i] += 1
    return counts


# -- the archetypes' tables ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """An archetype's weighted choices, precomputed once per build."""

    archetype: Archetype
    industries: _Table
    bands: dict[bool, _Table]
    countries: dict[bool, _Table]
    roles: dict[bool, _Table]


def _plan(archetype: Archetype) -> _Plan:
    industries = tuple(INDUSTRY_BY_NAME[name.lower()] for name in archetype.industries)
    bands = tuple(BAND_LABELS.index(label) for label in archetype.bands)
    countries = tuple(COUNTRY_BY_CODE[code] for code in archetype.countries)
    roles = tuple(ROLE_BY_KEY[key] for key in archetype.roles)
    return _Plan(
        archetype,
        _Table(industries, [i.weight for i in industries]),
        {t: _Table(bands, [BAND_WEIGHTS[t][b] for b in bands]) for t in (True, False)},
        {
            t: _Table(countries, [COUNTRY_WEIGHTS[c.code][0 if t else 1] for c in countries])
            for t in (True, False)
        },
        {
            t: _Table(roles, [r.tech_weight if t else r.other_weight for r in roles])
            for t in (True, False)
        },
    )


# -- people ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Kit:
    """What one archetype's holders of one role draw from, precomputed on first use."""

    titles: tuple[int, ...]
    ages: tuple[float, float, float]
    first_concerns: tuple[str, ...]
    second_concerns: dict[str, tuple[str, ...]]
    skill_patterns: tuple[tuple[int, ...], ...]
    interest_options: tuple[tuple[str, ...], ...]
    degrees: _Table
    fields: _Table
    value_offset: int
    on_x: float
    leader: bool
    tech_role: bool


class _Draw:
    """The columns while they are drawn (bytearrays), one method per attribute family.

    Per-person work is kept to a few ``random()`` calls: whatever depends only on the
    archetype and role is a precomputed _Kit."""

    def __init__(self, size: int, rng: random.Random) -> None:
        self.rng = rng
        self.random = rng.random
        self.size = size
        self.archetype = bytearray(size)
        self.title = bytearray(size)
        self.industry = bytearray(size)
        self.band = bytearray(size)
        self.country = bytearray(size)
        self.age = bytearray(size)
        self.posts = bytearray(size)
        self.last_active = array("H", bytes(2 * size))
        self.pain1 = bytearray(size)
        self.pain2 = bytearray(size)
        self.value = bytearray(size)
        self.headline = bytearray(size)
        self.skills = [bytearray([NONE]) * size for _ in range(SKILL_SLOTS)]
        self.interests = [bytearray([NONE]) * size for _ in range(INTEREST_SLOTS)]
        self.behaviors = (bytearray(size), bytearray(size))
        self.degree = bytearray(size)
        self.field = bytearray(size)
        self.topics = (bytearray([NONE]) * size, bytearray([NONE]) * size)
        self.platforms = bytearray(size)
        self.kits: dict[tuple[int, int], _Kit] = {}
        self.interest_sets: dict[tuple, tuple[int, ...]] = {}
        self.behavior_odds: dict[tuple, tuple[tuple[int, float], ...]] = {}
        self.interest_index = {entry["name"]: i for i, entry in enumerate(interests())}
        self.behavior_bit = {entry["name"]: i for i, entry in enumerate(behaviors())}
        self.concern_phrasings = {
            key: tuple(PHRASINGS.index(p) for p in concern.phrasings)
            for key, concern in CONCERN_BY_KEY.items()
        }

    def person(self, plan: _Plan, index: int) -> None:
        r = self.random
        archetype = plan.archetype
        industry = plan.industries.pick(r())
        tech = industry.tech
        role: Role = plan.roles[tech].pick(r())
        kit = self.kits.get((archetype.index, role.index)) or self._kit(archetype, role)
        self.archetype[index] = archetype.index
        self.industry[index] = industry.index
        self.band[index] = plan.bands[tech].pick(r())
        self.country[index] = plan.countries[tech].pick(r()).index
        self.title[index] = kit.titles[int(r() * len(kit.titles))]
        self.age[index] = int(self.rng.triangular(*kit.ages) + 0.5)
        self._activity(index, archetype, kit, tech)
        concerns = self._concerns(index, kit, industry.name)
        self.value[index] = kit.value_offset + int(r() * len(TECH_VALUES))
        self.headline[index] = int(r() * 4)
        for slot, skill in enumerate(kit.skill_patterns[int(r() * len(kit.skill_patterns))]):
            self.skills[slot][index] = skill
        self._interests(index, kit, industry.name, concerns)
        self._behaviors(index, kit, tech, archetype, role)
        self.degree[index] = kit.degrees.pick(r())
        self.field[index] = kit.fields.pick(r())
        self._topics(index, archetype, kit, tech)
        self.platforms[index] = (r() < 0.85) | ((r() < kit.on_x) << 1)

    def _kit(self, archetype: Archetype, role: Role) -> _Kit:
        rng = self.rng
        low, high, mode = AGES[role.seniority]
        if archetype.ages:
            low, high = max(low, archetype.ages[0]), min(high, archetype.ages[1])
            if low > high:
                low, high = archetype.ages
        # triangular() draws in [low, high]; rounding keeps the ends inside the range.
        ages = (low - 0.49, high + 0.49, min(max(mode, low), high))
        if archetype.concerns == "icp":
            first = ICP_PAINS
            second = {key: tuple(k for k in ICP_CONCERNS if k != key) for key in first}
        else:
            own = FUNCTION_CONCERNS[role.function]
            # The function's first concerns are the common ones.
            first = tuple(key for i, key in enumerate(own) for _ in range(len(own) - i))
            second = {key: tuple(k for k in own if k != key) or own for key in own}
        skills = SKILLS[role.function]
        patterns = tuple(
            tuple(
                ALL_SKILLS.index(s)
                for s in rng.sample(skills, min(len(skills), rng.randint(4, SKILL_SLOTS)))
            )
            for _ in range(48)
        )
        fn_interests = FUNCTION_INTERESTS[role.function]
        options = tuple((a,) for a in fn_interests) + tuple(
            (a, b) for a in fn_interests for b in fn_interests if a < b
        )
        tech_role = role.function in TECH_FUNCTIONS
        kit = _Kit(
            titles=tuple(TITLES.index(spelling) for spelling in role.spellings),
            ages=ages,
            first_concerns=first,
            second_concerns=second,
            skill_patterns=patterns,
            interest_options=options,
            degrees=self._degrees(archetype, role),
            fields=self._fields(archetype, role),
            value_offset=0 if archetype.concerns == "icp" or tech_role else len(TECH_VALUES),
            on_x=0.75 if archetype.concerns == "icp" else 0.7 if tech_role else 0.45,
            leader=role.seniority in LEADERS,
            tech_role=tech_role,
        )
        self.kits[archetype.index, role.index] = kit
        return kit

    @staticmethod
    def _degrees(archetype: Archetype, role: Role) -> _Table:
        if archetype.education == "cs":  # a bachelor's or higher
            return _Table((0, 2, 3, 5), (45, 20, 28, 7))
        weights = list(DEGREE_WEIGHTS)
        if role.function == "Legal":
            weights[-1] = 60  # Juris Doctor
        return _Table(range(len(DEGREES)), weights)

    @staticmethod
    def _fields(archetype: Archetype, role: Role) -> _Table:
        if archetype.education == "cs":
            return _Table([FIELDS_OF_STUDY.index(f) for f in CS_FIELDS], (50, 15, 12, 13, 10))
        own = FIELDS_BY_FUNCTION[role.function]
        # 70% studied what their function usually did, most the first field; others anything.
        weights = [0.3 / len(FIELDS_OF_STUDY)] * len(FIELDS_OF_STUDY)
        for rank, name in enumerate(own):
            weights[FIELDS_OF_STUDY.index(name)] += (
                0.7 * (len(own) - rank) / sum(range(len(own) + 1))
            )
        return _Table(range(len(FIELDS_OF_STUDY)), weights)

    def _activity(self, index: int, archetype: Archetype, kit: _Kit, tech: bool) -> None:
        r = self.random
        if archetype.activity == "active":
            posts, last_active = 4 + int(r() * 27), int(r() * 7)
        elif archetype.activity == "inactive":
            posts, last_active = 0, 200 + int(r() * 1301)
        elif r() < 0.08:  # people who left the platform behind
            posts, last_active = 0, 120 + int(r() * 1381)
        else:
            mean = (6.0 if kit.leader else 2.5) * (1.4 if tech else 1.0)
            posts = min(60, int(-mean * math.log(1.0 - r())))
            seen = 0 if posts and r() < 0.5 else int(-12 * math.log(1.0 - r()))
            last_active = min(365, seen)
        self.posts[index] = posts
        self.last_active[index] = last_active

    def _wording(self, key: str) -> int:
        phrasings = self.concern_phrasings[key]
        r = self.random
        return phrasings[0] if r() < 0.6 else phrasings[int(r() * len(phrasings))]

    def _concerns(self, index: int, kit: _Kit, industry: str) -> tuple[str, str]:
        r = self.random
        first = kit.first_concerns[int(r() * len(kit.first_concerns))]
        extra = INDUSTRY_CONCERNS[industry]
        if kit.value_offset and extra and r() < 0.35:  # business people talk shop
            second = extra[int(r() * len(extra))]
        else:
            options = kit.second_concerns[first]
            second = options[int(r() * len(options))]
        self.pain1[index] = self._wording(first)
        self.pain2[index] = self._wording(second)
        return first, second

    def _interests(self, index: int, kit: _Kit, industry: str, concerns: tuple) -> None:
        r = self.random
        option = kit.interest_options[int(r() * len(kit.interest_options))]
        own = INDUSTRY_INTERESTS.get(industry) if r() < 0.5 else None
        key = (concerns, option, own)
        chosen = self.interest_sets.get(key)
        if chosen is None:
            names = [name for c in concerns for name in CONCERN_BY_KEY[c].interests]
            names += [*option, *((own,) if own else ())]
            chosen = tuple(self.interest_index[n] for n in dict.fromkeys(names))[:INTEREST_SLOTS]
            self.interest_sets[key] = chosen
        for slot, interest in enumerate(chosen):
            self.interests[slot][index] = interest

    def _behaviors(
        self, index: int, kit: _Kit, tech: bool, archetype: Archetype, role: Role
    ) -> None:
        r = self.random
        small = self.band[index] <= BAND_LABELS.index("11-50")
        engaged = self.posts[index] >= 4
        key = (archetype.concerns, role.seniority, role.function, small, engaged)
        odds = self.behavior_odds.get(key) or self._odds(key, kit)
        mask = 0
        for bit, chance in odds:
            if r() < chance:
                mask |= 1 << bit
        self.behaviors[0][index] = mask & 0xFF
        self.behaviors[1][index] = mask >> 8

    def _odds(self, key: tuple, kit: _Kit) -> tuple[tuple[int, float], ...]:
        concerns, seniority, function, small, engaged = key
        odds = {
            "Business decision makers": 1.0 if kit.leader else 0.05,
            "IT decision makers": 1.0 if kit.leader and kit.tech_role else 0.0,
            "Technology early adopters": 0.6 if concerns == "icp" else 0.35 * kit.tech_role,
            "Engaged with business content": 1.0 if engaged else 0.3,
            "Business travelers": 0.45 if function in ("Sales", "Executive") else 0.12,
            "Small business owners": 1.0 if seniority == "C-level" and small else 0.0,
            "Peer network engaged": 0.25,
            "Facebook Groups active members": 0.2,
            "Newly hired": 0.07,
            "Frequent international travelers": 0.08,
            "Facebook page admins": 0.3 if function == "Marketing" else 0.05,
            "Engaged shoppers": 0.15,
            "Facebook users (mobile)": 0.7,
        }
        table = tuple((bit, odds.get(name, 0.05)) for name, bit in self.behavior_bit.items())
        self.behavior_odds[key] = table
        return table

    def _topics(self, index: int, archetype: Archetype, kit: _Kit, tech: bool) -> None:
        r = self.random
        posts = self.posts[index]
        if archetype.topics == "triggers":
            offset, pool, count = 0, len(TRIGGER_TOPICS), 2
        elif posts == 0:
            return
        elif tech and kit.tech_role and r() < 0.6:
            offset, pool, count = 0, len(TRIGGER_TOPICS), min(posts, 2)
        else:
            offset, pool, count = len(TRIGGER_TOPICS), len(OTHER_TOPICS), min(posts, 2)
        first = int(r() * pool)
        self.topics[0][index] = offset + first
        if count == 2:
            self.topics[1][index] = offset + (first + 1 + int(r() * (pool - 1))) % pool


# -- companies -------------------------------------------------------------------------


class _Companies:
    """Companies made per (industry, band, country) bucket for the people drawn into it."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.industry = bytearray()
        self.band = bytearray()
        self.country = bytearray()
        self.city = bytearray()
        self.employees = array("I")
        self.name: list[str] = []
        self.domain: list[str] = []
        self.domains: set[str] = set()
        self.city_tables = {
            c.code: _Table(c.cities, [1 / (i + 1) for i in range(len(c.cities))]) for c in COUNTRIES
        }

    def bucket(self, key: tuple[int, int, int], people: list[int], draw: _Draw) -> list[int]:
        """Companies for one bucket's people; returns each person's company, in order."""
        rng = self.rng
        industry, band, country = key
        unique: dict[int, list[int]] = {}
        for position, person in enumerate(people):
            role = TITLE_ROLES[draw.title[person]]
            if role.unique_per_company:
                unique.setdefault(role.index, []).append(position)
        most = max((len(holders) for holders in unique.values()), default=0)
        count = max(math.ceil(len(people) / PEOPLE_PER_COMPANY[band]), most, 1)
        first = len(self.employees)
        for _ in range(count):
            self.add(industry, band, country)
        weights = [self.employees[first + i] ** 0.35 for i in range(count)]
        assigned = [first + i for i in rng.choices(range(count), weights, k=len(people))]
        for holders in unique.values():
            seats = rng.sample(range(count), len(holders))
            for position, seat in zip(holders, seats, strict=True):
                assigned[position] = first + seat
        return assigned

    def add(self, industry_index: int, band: int, country_index: int) -> None:
        rng = self.rng
        industry, country = INDUSTRIES[industry_index], COUNTRIES[country_index]
        _, low, high = SIZE_BANDS[band]
        employees = int(math.exp(rng.uniform(math.log(low), math.log(high + 1))))
        self.industry.append(industry_index)
        self.band.append(band)
        self.country.append(country_index)
        self.city.append(self.city_tables[country.code].pick(rng.random()).index)
        self.employees.append(min(max(employees, low), high))
        stem, domain = self._domain(industry.tlds + (country.tld,))
        word = rng.choice(industry.name_words)
        self.name.append(f"{stem} {word}" if word else stem)
        self.domain.append(domain)

    def _domain(self, tlds: tuple[str, ...]) -> tuple[str, str]:
        rng = self.rng
        for attempt in range(80):
            # The name space is crowded: a prefix and a root first, then two prefixes,
            # then a numbered stem.
            second = NAME_ROOTS if attempt < 8 else NAME_PREFIXES
            stem = rng.choice(NAME_PREFIXES) + rng.choice(second).lower()
            if attempt >= 40:
                stem += str(rng.randint(2, 999))
            domain = f"{stem.lower()}.{rng.choice(tlds)}"
            if domain not in self.domains:
                self.domains.add(domain)
                return stem, domain
        raise RuntimeError("could not find a free company domain")


# -- the whole population ----------------------------------------------------------------


def generate(size: int, seed: int) -> tuple[PeopleColumns, CompanyColumns]:
    """The columns of a population of ``size`` people; the same (size, seed), the same columns."""
    if size < 1:
        raise ValueError("population size must be positive")
    rng = random.Random(seed)
    kinds = archetypes()
    counts = apportion(size, [a.share for a in kinds])
    labels = [a.index for a, n in zip(kinds, counts, strict=True) for _ in range(n)]
    rng.shuffle(labels)
    plans = [_plan(kind) for kind in kinds]
    draw = _Draw(size, rng)
    for index, label in enumerate(labels):
        draw.person(plans[label], index)
    companies, person_company, cities = _companies(draw, rng)
    people = PeopleColumns(
        archetype=bytes(draw.archetype),
        title=bytes(draw.title),
        city=bytes(cities),
        company=person_company,
        industry=bytes(draw.industry),
        band=bytes(draw.band),
        age=bytes(draw.age),
        posts=bytes(draw.posts),
        last_active=draw.last_active,
        activity_level=bytes(_activity_levels(draw)),
        pain1=bytes(draw.pain1),
        pain2=bytes(draw.pain2),
        value=bytes(draw.value),
        headline=bytes(draw.headline),
        skills=tuple(bytes(slot) for slot in draw.skills),
        interests=tuple(bytes(slot) for slot in draw.interests),
        behaviors=(bytes(draw.behaviors[0]), bytes(draw.behaviors[1])),
        degree=bytes(draw.degree),
        field=bytes(draw.field),
        topics=(bytes(draw.topics[0]), bytes(draw.topics[1])),
        platforms=bytes(draw.platforms),
    )
    return people, companies


def _companies(draw: _Draw, rng: random.Random) -> tuple[CompanyColumns, array, bytearray]:
    buckets: dict[tuple[int, int, int], list[int]] = {}
    for person in range(draw.size):
        key = (draw.industry[person], draw.band[person], draw.country[person])
        buckets.setdefault(key, []).append(person)
    made = _Companies(rng)
    person_company = array("I", bytes(4 * draw.size))
    for key in sorted(buckets):
        people = buckets[key]
        for person, company in zip(people, made.bucket(key, people, draw), strict=True):
            person_company[person] = company
    cities = bytearray(draw.size)
    for person in range(draw.size):
        city = made.city[person_company[person]]
        if rng.random() < 0.15:  # lives elsewhere in the employer's country
            city = rng.choice(COUNTRIES[draw.country[person]].cities).index
        cities[person] = city
    columns = CompanyColumns(
        bytes(made.industry),
        bytes(made.band),
        bytes(made.country),
        bytes(made.city),
        made.employees,
        tuple(made.name),
        tuple(made.domain),
    )
    return columns, person_company, cities


def _activity_levels(draw: _Draw) -> bytearray:
    levels = bytearray(draw.size)
    for person in range(draw.size):
        posts, seen = draw.posts[person], draw.last_active[person]
        levels[person] = 2 if posts >= 4 and seen <= 7 else 1 if posts >= 1 or seen <= 30 else 0
    return levels

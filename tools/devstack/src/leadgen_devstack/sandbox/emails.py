"""Email addresses of the population and what a verifier says about them, deterministically.

Every person has a work address on their employer's domain in the company's pattern
(``first.last``, ``flast``, ...; a namesake at the same company gets a number); about a
third also have a personal webmail address. A work address verifies ``valid`` (most),
``invalid`` (left, still listed) or ``unknown`` (the server would not say), or
``accept_all`` when the company's server takes any address. Any other address verifies
``webmail`` on a webmail domain, ``disposable`` on a throwaway one, ``accept_all`` on a
catch-all company domain, and ``invalid`` otherwise.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .render import ascii_slug, person_names

PATTERNS = (
    "{first}.{last}",
    "{f}{last}",
    "{first}",
    "{first}{last}",
    "{first}_{last}",
    "{f}.{last}",
)
WEBMAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com")
DISPOSABLE = (
    "mailinator.com",
    "guerrillamail.com",
    "10minutemail.com",
    "yopmail.com",
    "trashmail.com",
)
STATUSES = ("valid", "invalid", "accept_all", "webmail", "disposable", "unknown")


@dataclass(frozen=True, slots=True)
class Verdict:
    email: str
    status: str  # one of STATUSES
    score: int  # 0-100, Hunter's confidence
    person: int | None  # the person the address belongs to, when it is one of ours
    company: int | None  # the company whose domain it is on


def _unit(*parts: object) -> float:
    """A stable draw in [0, 1) from its inputs."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _local(first: str, last: str, pattern: int) -> str:
    first_slug, last_slug = ascii_slug(first).replace("-", ""), ascii_slug(last).replace("-", "")
    return PATTERNS[pattern].format(first=first_slug, last=last_slug, f=first_slug[:1])


def normalise(email: str) -> str:
    return email.strip().lower()


def sha256(email: str) -> str:
    """How ad platforms take emails: sha256 hex of the trimmed, lower-cased address."""
    return hashlib.sha256(normalise(email).encode()).hexdigest()


class Emails:
    def __init__(self, population) -> None:
        self.population = population
        self.columns = population.people_columns
        self.seed = population.seed
        self.company_addresses = lru_cache(maxsize=16_384)(self._company_addresses)

    def names(self, index: int) -> tuple[str, str]:
        return person_names(self.columns, index, self.seed)

    def _company_addresses(self, company: int) -> dict[str, int]:
        """Local part -> person, for everyone at a company (namesakes numbered in order)."""
        pattern = self.population.company(company).email_pattern
        addresses: dict[str, int] = {}
        for person in self.population.company_people[company]:
            local = _local(*self.names(person), pattern)
            suffix = 2
            candidate = local
            while candidate in addresses:
                candidate, suffix = f"{local}{suffix}", suffix + 1
            addresses[candidate] = person
        return addresses

    def work_email(self, index: int) -> str:
        company = self.columns.company[index]
        local = next(a for a, p in self.company_addresses(company).items() if p == index)
        return f"{local}@{self.population.company_columns.domain[company]}"

    def personal_email(self, index: int) -> str | None:
        draw = _unit(self.seed, "personal", index)
        if draw >= 0.3:
            return None
        first, last = (ascii_slug(n).replace("-", "") for n in self.names(index))
        number = int(draw * 1000) % 90 + 10
        return f"{first}.{last}{number}@{WEBMAIL[int(draw * 10_000) % len(WEBMAIL)]}"

    def work_status(self, index: int) -> tuple[str, int]:
        company = self.population.company(self.columns.company[index])
        draw = _unit(self.seed, "status", index)
        if company.accepts_all:
            return "accept_all", 50 + int(draw * 26)
        if draw < 0.85:
            return "valid", 90 + int(draw * 100) % 10
        if draw < 0.92:
            return "invalid", int(draw * 100) % 10
        return "unknown", 30 + int(draw * 1000) % 21

    def person_by_email(self, email: str) -> int | None:
        email = normalise(email)
        local, _, domain = email.rpartition("@")
        company = self.population.company_index(domain)
        if company is not None:
            return self.company_addresses(company).get(local)
        if domain in WEBMAIL:
            return self._personal.get(email)
        return None

    @cached_property
    def _personal(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for index in range(len(self.columns)):
            email = self.personal_email(index)
            if email:
                found.setdefault(email, index)
        return found

    def find(self, domain: str, first: str, last: str) -> int | None:
        """The person at ``domain`` with that name (case and accent insensitive)."""
        company = self.population.company_index(normalise(domain))
        if company is None:
            return None
        wanted = (ascii_slug(first), ascii_slug(last))
        for person in self.population.company_people[company]:
            names = self.names(person)
            if (ascii_slug(names[0]), ascii_slug(names[1])) == wanted:
                return person
        return None

    def verify(self, email: str) -> Verdict:
        email = normalise(email)
        local, at, domain = email.rpartition("@")
        company = self.population.company_index(domain)
        if not at or not local or "." not in domain:
            return Verdict(email, "invalid", 0, None, None)
        person = self.person_by_email(email)
        if domain in WEBMAIL:
            return Verdict(email, "webmail", 70 if person is not None else 40, person, None)
        if domain in DISPOSABLE:
            return Verdict(email, "disposable", 5, None, None)
        if person is not None:
            status, score = self.work_status(person)
            return Verdict(email, status, score, person, company)
        if company is not None and self.population.company(company).accepts_all:
            return Verdict(email, "accept_all", 45, None, company)
        return Verdict(email, "invalid", 0, None, company)

    @cached_property
    def by_sha256(self) -> dict[str, int]:
        """sha256 of every address -> person (built on first use: about a second)."""
        table: dict[str, int] = {}
        domains = self.population.company_columns.domain
        for company, domain in enumerate(domains):
            for local, person in self._company_addresses(company).items():
                table.setdefault(sha256(f"{local}@{domain}"), person)
        for email, person in self._personal.items():
            table.setdefault(sha256(email), person)
        return table

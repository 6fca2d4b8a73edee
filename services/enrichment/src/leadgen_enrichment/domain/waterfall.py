"""The waterfall (pure): which provider operation to try next, given what is known.

Each provider offers operations (Clearbit company and person, Hunter email finder and
verifier, Apollo people match). An operation needs one input (the company domain, the
person's identity, or an email) and can fill some fields. The next operation is the first,
in the team's provider order, that was not tried yet, can run on what is known and fills a
required field still missing; re-planning after every answer lets a later provider's
email unlock an earlier provider's verifier. No operation runs once all required fields
are filled, so the waterfall stops as early as it can.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from leadgen_common.contracts.events import Enrichment, ProspectProfile
from leadgen_common.identifiers import normalize_domain

from .identity import person_identity


class Needs(StrEnum):
    DOMAIN = "domain"
    PERSON = "person"
    EMAIL = "email"


@dataclass(frozen=True)
class Step:
    provider: str
    operation: str
    needs: Needs
    fills: frozenset[str]

    @property
    def key(self) -> str:
        return f"{self.provider}:{self.operation}"


#: Every operation of every provider, in each provider's own preferred order.
STEPS: dict[str, tuple[Step, ...]] = {
    "clearbit": (
        Step("clearbit", "company", Needs.DOMAIN, frozenset({"company"})),
        Step("clearbit", "person", Needs.EMAIL, frozenset({"company"})),
    ),
    "hunter": (
        Step("hunter", "email_finder", Needs.PERSON, frozenset({"email", "email_status"})),
        Step("hunter", "email_verifier", Needs.EMAIL, frozenset({"email_status"})),
    ),
    "apollo": (
        Step(
            "apollo", "people_match", Needs.PERSON, frozenset({"company", "email", "email_status"})
        ),
    ),
}


@dataclass(frozen=True)
class Known:
    """What the operations can be asked with: the discovered profile plus any email found."""

    profile: ProspectProfile
    domain: str | None
    email: str | None

    @classmethod
    def of(cls, profile: ProspectProfile, enrichment: Enrichment) -> Known:
        return cls(profile, normalize_domain(profile.company_domain), enrichment.email)

    def subject(self, needs: Needs) -> str | None:
        """The input of an operation (also its cache key); None when it cannot run."""
        if needs is Needs.DOMAIN:
            return self.domain
        if needs is Needs.EMAIL:
            return self.email.strip().lower() if self.email else None
        return person_identity(self.profile.profile_url, self.profile.name, self.domain)


def missing(required: Iterable[str], enrichment: Enrichment) -> frozenset[str]:
    return frozenset(f for f in required if getattr(enrichment, f) is None)


def next_step(
    order: Sequence[str],
    required: Iterable[str],
    enrichment: Enrichment,
    known: Known,
    tried: set[str],
) -> Step | None:
    wanted = missing(required, enrichment)
    if not wanted:
        return None
    for step in _steps_in(order, known):
        if step.key in tried or not step.fills & wanted:
            continue
        if known.subject(step.needs) is not None:
            return step
    return None


def _steps_in(order: Sequence[str], known: Known) -> list[Step]:
    """Every step of the providers in order; once an email is known, finding the person
    again comes after every other step (a verification is cheaper than a second search
    just for the status, and a search finds its own address, whose status is not the
    known one's)."""
    steps = [step for provider in order for step in STEPS[provider]]
    if known.email is None:
        return steps
    return sorted(steps, key=lambda step: step.needs is Needs.PERSON)

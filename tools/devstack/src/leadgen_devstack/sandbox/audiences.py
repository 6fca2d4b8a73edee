"""Seed audiences uploaded to LinkedIn or Facebook, and lookalikes estimated from them.

A seed is the people a caller uploads (hashed emails, or the platform's own ids) that
match someone in the population. A lookalike's size is modeled: the people in the
chosen countries who share a seed member's function and employer industry, scaled to a
platform-sized number by ``reach_scale`` and by the lookalike ratio (1% is the closest,
10% the broadest). Both platforms refuse a lookalike of a seed under ``MIN_SEED``
matched people, as Facebook does for a source audience under 100.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from .geo import COUNTRY_BY_CODE
from .roles import TITLE_ROLES
from .selection import and_, or_, where

MIN_SEED = 100


@dataclass
class Audience:
    id: str
    platform: str
    name: str
    account: str
    kind: str  # "seed" or "lookalike"
    members: set[int] = field(default_factory=set)
    received: int = 0  # identifiers uploaded
    source: str | None = None  # seed id of a lookalike
    countries: tuple[str, ...] = ()
    ratio: float = 0.0
    size: int = 0  # estimated people, for a lookalike


class SeedTooSmall(Exception):
    pass


class Audiences:
    def __init__(self, population, reach_scale: int) -> None:
        self.population = population
        self.reach_scale = reach_scale
        self.columns = population.people_columns
        self._by_id: dict[str, Audience] = {}
        self._ids = itertools.count(1)

    def get(self, platform: str, audience_id: str) -> Audience | None:
        audience = self._by_id.get(audience_id)
        return audience if audience and audience.platform == platform else None

    def create_seed(self, platform: str, name: str, account: str) -> Audience:
        audience = Audience(self._next_id(platform), platform, name, account, "seed")
        self._by_id[audience.id] = audience
        return audience

    def add(self, audience: Audience, people: list[int | None]) -> int:
        """Adds the matched people of one upload; returns how many matched."""
        audience.received += len(people)
        matched = [person for person in people if person is not None]
        audience.members.update(matched)
        return len(matched)

    def lookalike(
        self, platform: str, seed: Audience, name: str, countries: tuple[str, ...], ratio: float
    ) -> Audience:
        if len(seed.members) < MIN_SEED:
            raise SeedTooSmall(f"the seed audience has {len(seed.members)} matched people")
        similar = self.similar(seed.members, countries)
        size = int(similar * self.reach_scale * max(ratio, 0.01) / 0.01)
        audience = Audience(
            self._next_id(platform), platform, name, seed.account, "lookalike",
            source=seed.id, countries=countries, ratio=ratio, size=size,
        )  # fmt: skip
        self._by_id[audience.id] = audience
        return audience

    def similar(self, members: set[int], countries: tuple[str, ...]) -> int:
        """People in ``countries`` sharing a function and industry with a seed member."""
        industries: dict[str, set[int]] = {}
        for person in members:
            function = TITLE_ROLES[self.columns.title[person]].function
            industries.setdefault(function, set()).add(self.columns.industry[person])
        masks = [
            and_(
                where(
                    self.columns.title, [i for i, r in enumerate(TITLE_ROLES) if r.function == f]
                ),
                where(self.columns.industry, chosen),
            )
            for f, chosen in sorted(industries.items())
        ]
        if not masks:
            return 0
        alike = or_(*masks)
        if countries:
            cities = {c.index for code in countries for c in COUNTRY_BY_CODE[code].cities}
            alike = and_(alike, where(self.columns.city, cities))
        return alike.count(1)

    def _next_id(self, platform: str) -> str:
        number = next(self._ids)
        return f"{number}" if platform == "linkedin" else f"2385{number:011d}"

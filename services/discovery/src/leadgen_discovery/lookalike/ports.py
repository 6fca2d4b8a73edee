"""Edges of the lookalike use case: the team's best leads as hashed emails, one platform's
audience API, and the audiences table."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from leadgen_common.contracts import Platform


class SeedRejected(Exception):
    """The platform refused the seed for good (e.g. under 100 matched people); the message
    is the provider's reason."""


@dataclass(frozen=True, slots=True)
class Lookalike:
    seed_audience_id: str
    lookalike_id: str
    lower: int | None  # the provider's estimated size bounds
    upper: int | None


class SeedSource(Protocol):
    async def best_lead_hashes(
        self, team_id: uuid.UUID, icp_id: uuid.UUID, *, min_score: float, limit: int
    ) -> list[str]:
        """sha256 of the emails of the team's leads for the ICP, best match first."""
        ...


class AudienceBuilder(Protocol):
    platform: Platform

    async def build(self, name: str, hashes: list[str]) -> Lookalike:
        """Create the seed audience, add ``hashes``, create its lookalike, read its size.
        Raises SeedRejected or PlatformUnavailable."""
        ...


class AudienceStore(Protocol):
    async def finished(self, audience_id: uuid.UUID) -> bool:
        """Whether the row exists already (a redelivered request: nothing to do)."""
        ...

    async def save(self, row: dict[str, Any]) -> None:
        """Upsert one audiences row by its id (the same id on a redelivery)."""
        ...

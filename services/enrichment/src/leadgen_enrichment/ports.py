"""The edges the handlers depend on; adapters implement them, tests swap them."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from leadgen_common.contracts.events import CompanyData, ProviderCall
from leadgen_common.db.suppressions import Candidate, K

from .domain.findings import Finding
from .domain.waterfall import Known


@dataclass(frozen=True)
class CompanyLookup:
    """One logical provider call (retries folded in) and what it found, if anything."""

    call: ProviderCall
    company: CompanyData | None


@dataclass(frozen=True)
class Lookup:
    """One provider operation: its ledger entry and what it found (None: nothing)."""

    call: ProviderCall
    finding: Finding | None


#: One provider operation, asked with what is known of the prospect.
Operation = Callable[[Known], Awaitable[Lookup]]


class CampaignState(Protocol):
    """Whether a campaign was cancelled, as every replica can see it."""

    def remember_cancelled(self, campaign_id: uuid.UUID) -> None: ...

    async def is_cancelled(self, campaign_id: uuid.UUID) -> bool: ...


class ResultCache(Protocol):
    async def get(self, team_id: str, step: str, subject: str) -> Finding | None | bool:
        """The cached finding, None for a cached "knew nothing", False for a miss."""
        ...

    async def put(self, team_id: str, step: str, subject: str, finding: Finding | None) -> None: ...

    async def remember(self, team_id: str, prospect_id: uuid.UUID, step: str, subject: str) -> None:
        """Note that the entry of (step, subject) is about this prospect."""
        ...

    async def forget(self, team_id: str, prospect_id: uuid.UUID) -> int:
        """Delete every entry noted for the prospect (erasure); how many there were."""
        ...


class Suppressions(Protocol):
    """The teams' suppression lists (leadgen_common.db.suppressions.SuppressionList)."""

    async def suppressed(self, people: Mapping[K, Candidate]) -> set[K]: ...


class Budget(Protocol):
    async def reserve(self, team_id: str, campaign_id: uuid.UUID, amount: Decimal) -> bool:
        """Take ``amount`` from the team's month and the campaign if both have it."""
        ...

    async def settle(
        self, team_id: str, campaign_id: uuid.UUID, reserved: Decimal, spent: Decimal
    ) -> None:
        """Correct a reservation to what the call really cost."""
        ...

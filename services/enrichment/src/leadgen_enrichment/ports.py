"""The edges the handlers depend on; adapters implement them, tests swap them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from leadgen_common.contracts.events import CompanyData, ProviderCall


@dataclass(frozen=True)
class CompanyLookup:
    """One logical provider call (retries folded in) and what it found, if anything."""

    call: ProviderCall
    company: CompanyData | None


class CompanyProvider(Protocol):
    """A provider that knows companies by web domain (Clearbit now; Apollo etc. later)."""

    name: str

    async def find_company(self, domain: str) -> CompanyLookup:
        """Never raises for provider trouble: failures come back as a failed call."""
        ...


class CampaignState(Protocol):
    """Whether a campaign was cancelled, as every replica can see it."""

    def remember_cancelled(self, campaign_id: uuid.UUID) -> None: ...

    async def is_cancelled(self, campaign_id: uuid.UUID) -> bool: ...

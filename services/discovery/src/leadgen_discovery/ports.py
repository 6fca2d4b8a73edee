"""The edges of discovery: a platform's people search, the rate limiter, the cursor
store, the publisher.

Adapters implement these (httpx, SQL, the event bus); tests swap in fakes behind the
same protocols.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from leadgen_common.contracts import Envelope, Platform
from leadgen_common.contracts.events import ProspectProfile
from leadgen_common.db.suppressions import Candidate, K

from .domain.cursors import CampaignCursors, ControlStatus, Outcome


class PlatformUnavailable(Exception):
    """The platform kept failing past the retry budget, or refused the request for good;
    the message is the failure reason the campaign status shows."""


class LeaseLost(Exception):
    """Another replica owns the campaign now: this one must stop paging it."""


@dataclass(frozen=True, slots=True)
class Found:
    rank: int  # position in the platform's relevance order (0-based, across pages)
    profile: ProspectProfile


@dataclass(frozen=True, slots=True)
class PageRequest:
    start: int  # results consumed so far: the rank of the page's first result
    token: str | None  # where a token-paged API continues; None for the first page
    count: int  # results wanted (an API may cap it)


@dataclass(frozen=True, slots=True)
class SearchPage:
    found: list[Found]
    consumed: int  # results the page held, usable or not: the cursor moves past them
    exhausted: bool  # no result after this page
    next_token: str | None = None  # a token-paged API's continuation (None: offset paging)


class WaitReporter(Protocol):
    """Told when a platform's calls wait for a rate-limit token or a 429's Retry-After,
    so the campaign status can show ``rateLimitedUntil`` for the platform."""

    async def rate_limited(self, until: datetime) -> None: ...


class PeopleSearch(Protocol):
    platform: Platform

    def usable(self, criteria: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """(the criteria this search can send, a warning per criterion it cannot)."""
        ...

    async def search(
        self, criteria: dict[str, Any], page: PageRequest, waits: WaitReporter
    ) -> SearchPage:
        """The next page of results from ``page``; raises PlatformUnavailable."""
        ...


class Limiter(Protocol):
    """The shared rate limiter (leadgen_common.ratelimit.RateLimiter)."""

    async def acquire(self, bucket: str, *, on_wait: Any = None) -> Any:
        """Wait for a token of ``bucket`` (telling ``on_wait`` about each wait)."""
        ...


class Publisher(Protocol):
    async def publish(self, envelope: Envelope[Any]) -> None: ...


class Suppressions(Protocol):
    """The teams' suppression lists (leadgen_common.db.suppressions.SuppressionList)."""

    async def suppressed(self, people: Mapping[K, Candidate]) -> set[K]:
        """The keys of ``people`` (team, entries) their team's list names."""
        ...


class CursorStore(Protocol):
    async def requested_status(self, campaign_id: uuid.UUID) -> str | None:
        """The gateway's campaigns.requested_status, None before the gateway wrote it."""
        ...

    async def create(self, state: CampaignCursors) -> bool:
        """Insert the campaign's cursor rows unless they exist; True if inserted."""
        ...

    async def load(self, campaign_id: uuid.UUID) -> CampaignCursors | None: ...

    async def set_status(
        self, campaign_id: uuid.UUID, allowed_from: set[ControlStatus], to: ControlStatus
    ) -> int:
        """Move unfinished rows in ``allowed_from`` to ``to``; returns rows changed."""
        ...

    async def claim(self, owner: str, lease_s: float, limit: int) -> list[uuid.UUID]:
        """Lease up to ``limit`` unfinished campaigns whose lease lapsed (or never was)."""
        ...

    async def renew(
        self, owner: str, lease_s: float, campaign_ids: list[uuid.UUID]
    ) -> set[uuid.UUID]:
        """Extend the leases ``owner`` still holds; returns those campaigns."""
        ...

    async def release(self, owner: str, campaign_ids: list[uuid.UUID]) -> None: ...

    async def seen(
        self, team_id: uuid.UUID, campaign_id: uuid.UUID, prospect_ids: Iterable[uuid.UUID]
    ) -> set[uuid.UUID]:
        """Those of ``prospect_ids`` the campaign has already published."""
        ...

    async def advance(
        self,
        owner: str,
        campaign_id: uuid.UUID,
        platform: Platform,
        *,
        next_start: int,
        discovered: int,
        page_token: str | None = None,
        outcome: Outcome | None = None,
        failure_reason: str | None = None,
        published: Iterable[uuid.UUID] = (),
    ) -> bool:
        """Persist one platform's progress, and add ``published`` to the campaign's seen
        set, in one transaction if ``owner`` still holds the lease."""
        ...

    async def set_rate_limited(
        self, campaign_id: uuid.UUID, platform: Platform, until: datetime | None
    ) -> None:
        """Show (or clear, with None) that the platform waits for its rate limit."""
        ...

    async def finish(self, owner: str, campaign_id: uuid.UUID) -> bool:
        """Mark discovery_finished published and forget the seen set, if ``owner`` still
        holds the lease."""
        ...

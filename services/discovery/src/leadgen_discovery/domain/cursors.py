"""A campaign's discovery state as its cursor rows hold it, and what to do next.

Everything here is pure: the paging loop loads a :class:`CampaignCursors`, asks
:func:`next_step` what to do, does it, and persists the result. Counting comes from the
cursors (never from memory), so "exactly ``max_prospects``" survives restarts and moves
between replicas.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from leadgen_common.contracts import Platform
from leadgen_common.contracts.events import CampaignOptions


class ControlStatus(StrEnum):
    """The control state of a campaign's discovery, the same on all its cursor rows."""

    RUNNING = "running"
    PAUSED = "paused"
    CANCELLED = "cancelled"


class Outcome(StrEnum):
    """Why a platform stopped paging (null while it still pages)."""

    EXHAUSTED = "exhausted"
    FAILED = "failed"


class Reason(StrEnum):
    """campaign.discovery_finished ``reason``."""

    MAX_PROSPECTS = "max_prospects"
    EXHAUSTED = "exhausted"
    CANCELLED = "cancelled"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PlatformCursor:
    platform: Platform
    next_start: int = 0  # results consumed so far (ranks continue from here)
    discovered: int = 0
    page_token: str | None = None  # a token-paged platform's continuation
    criteria: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    outcome: Outcome | None = None
    failure_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.outcome is None


@dataclass(frozen=True, slots=True)
class CampaignCursors:
    campaign_id: uuid.UUID
    team_id: uuid.UUID
    status: ControlStatus
    options: CampaignOptions
    correlation_id: str
    started_event_id: uuid.UUID | None
    platforms: tuple[PlatformCursor, ...]
    owner: str | None = None
    finished: bool = False
    #: W3C trace context of the campaign.started (traceparent, tracestate): paging
    #: continues that trace.
    trace_context: dict[str, str] = field(default_factory=dict)

    @property
    def discovered(self) -> int:
        return sum(cursor.discovered for cursor in self.platforms)

    @property
    def remaining(self) -> int:
        return max(0, self.options.max_prospects - self.discovered)

    def cursor(self, platform: Platform) -> PlatformCursor:
        return next(cursor for cursor in self.platforms if cursor.platform == platform)


@dataclass(frozen=True, slots=True)
class Wait:
    """Paused: poll the status again later."""


@dataclass(frozen=True, slots=True)
class Finish:
    reason: Reason


@dataclass(frozen=True, slots=True)
class Page:
    cursor: PlatformCursor
    count: int  # how many results to ask for


@dataclass(frozen=True, slots=True)
class Start:
    """Pages to start fetching now (maybe none: wait for those in flight)."""

    pages: tuple[Page, ...]


Step = Wait | Finish | Start


def next_step(
    state: CampaignCursors,
    page_sizes: Mapping[Platform, int],
    reserved: Mapping[Platform, int] | None = None,
) -> Step:
    """Cancelled stops, paused waits, a full quota or no platform left finishes; otherwise
    start a page on every active platform without one in flight, those that found the
    fewest first, while the campaign still needs people.

    ``reserved`` holds the platforms with a page in flight and how many people it may
    still bring: its size, or 0 while it waits for the platform's rate limit, so a
    waiting platform does not hold the others back. The people a page brings are only
    counted when it is taken (from the persisted cursors), so the total stays exact.
    """
    reserved = reserved or {}
    if state.status is ControlStatus.CANCELLED:
        return Finish(Reason.CANCELLED)
    if state.status is ControlStatus.PAUSED:
        return Wait()
    if state.remaining == 0:
        return Finish(Reason.MAX_PROSPECTS)
    active = [cursor for cursor in state.platforms if cursor.active]
    if not active:
        failed = all(cursor.outcome is Outcome.FAILED for cursor in state.platforms)
        return Finish(Reason.FAILED if failed else Reason.EXHAUSTED)
    budget = state.remaining - sum(reserved.values())
    pages = []
    for cursor in sorted(active, key=lambda cursor: cursor.discovered):
        if budget <= 0:
            break
        if cursor.platform not in reserved:
            count = min(page_sizes[cursor.platform], budget)
            pages.append(Page(cursor, count))
            budget -= count
    return Start(tuple(pages))

"""Fakes at discovery's edges, behind the same protocols as the real adapters:

- ``MemoryCursorStore`` is the SQL cursor store in memory (same lease, owner and
  finished rules; time is a settable clock so leases lapse without sleeping);
- ``FakeSearch`` is a platform's people search over a ranked list of people, with hooks
  to fail, or to run code after a given page (a control message arriving mid-campaign);
- ``Recorder`` is the publisher (the bus), keeping every envelope.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from leadgen_common.contracts import Envelope, Platform, team_id_for
from leadgen_common.contracts.events import CampaignOptions, ProspectProfile
from leadgen_common.testing.fixtures import MigratedUrls
from leadgen_discovery.domain.cursors import (
    CampaignCursors,
    ControlStatus,
    Outcome,
    PlatformCursor,
)
from leadgen_discovery.paging import CampaignPager
from leadgen_discovery.ports import Found, PlatformUnavailable, SearchPage

TEAM = team_id_for("discovery-tests")


@dataclasses.dataclass
class _Row:
    state: CampaignCursors
    lease_until: float | None = None


class MemoryCursorStore:
    def __init__(self) -> None:
        self.now = 1_000.0
        self.rows: dict[uuid.UUID, _Row] = {}
        self.requested: dict[uuid.UUID, str] = {}

    # -- the protocol
    async def requested_status(self, campaign_id: uuid.UUID) -> str | None:
        return self.requested.get(campaign_id)

    async def create(self, state: CampaignCursors) -> bool:
        if state.campaign_id in self.rows:
            return False
        self.rows[state.campaign_id] = _Row(state)
        return True

    async def load(self, campaign_id: uuid.UUID) -> CampaignCursors | None:
        row = self.rows.get(campaign_id)
        return None if row is None else row.state

    async def set_status(
        self, campaign_id: uuid.UUID, allowed_from: set[ControlStatus], to: ControlStatus
    ) -> int:
        row = self.rows.get(campaign_id)
        if row is None or row.state.finished or row.state.status not in allowed_from:
            return 0
        self._replace(row, status=to)
        return len(row.state.platforms)

    async def claim(self, owner: str, lease_s: float, limit: int) -> list[uuid.UUID]:
        claimed = []
        for campaign_id, row in self.rows.items():
            lapsed = row.lease_until is None or row.lease_until < self.now
            if len(claimed) < limit and not row.state.finished and lapsed:
                self._replace(row, owner=owner)
                row.lease_until = self.now + lease_s
                claimed.append(campaign_id)
        return claimed

    async def renew(
        self, owner: str, lease_s: float, campaign_ids: list[uuid.UUID]
    ) -> set[uuid.UUID]:
        renewed = set()
        for campaign_id in campaign_ids:
            row = self.rows[campaign_id]
            if row.state.owner == owner and not row.state.finished:
                row.lease_until = self.now + lease_s
                renewed.add(campaign_id)
        return renewed

    async def release(self, owner: str, campaign_ids: list[uuid.UUID]) -> None:
        for campaign_id in campaign_ids:
            row = self.rows[campaign_id]
            if row.state.owner == owner:
                self._replace(row, owner=None)
                row.lease_until = None

    async def advance(
        self,
        owner: str,
        campaign_id: uuid.UUID,
        platform: Platform,
        *,
        next_start: int,
        discovered: int,
        outcome: Outcome | None = None,
        failure_reason: str | None = None,
    ) -> bool:
        row = self.rows[campaign_id]
        if row.state.owner != owner or row.state.finished:
            return False
        cursors = tuple(
            dataclasses.replace(
                cursor,
                next_start=next_start,
                discovered=discovered,
                outcome=outcome,
                failure_reason=failure_reason,
            )
            if cursor.platform == platform
            else cursor
            for cursor in row.state.platforms
        )
        self._replace(row, platforms=cursors)
        return True

    async def finish(self, owner: str, campaign_id: uuid.UUID) -> bool:
        row = self.rows[campaign_id]
        if row.state.owner != owner or row.state.finished:
            return False
        self._replace(row, finished=True, owner=None)
        row.lease_until = None
        return True

    # -- test helpers
    @staticmethod
    def _replace(row: _Row, **changes: Any) -> None:
        row.state = dataclasses.replace(row.state, **changes)

    def state(self, campaign_id: uuid.UUID) -> CampaignCursors:
        return self.rows[campaign_id].state


def person(platform: Platform, index: int) -> ProspectProfile:
    return ProspectProfile(
        platform=platform,
        platform_profile_id=f"{platform.value}-{index:04d}",
        profile_url=f"https://example.test/{platform.value}/{index}",
        name=f"Person {index}",
        title="CTO",
    )


class FakeSearch:
    """``size`` people ranked 0..size-1; ``after_page[n]`` runs after the n-th answer."""

    def __init__(self, platform: Platform = Platform.LINKEDIN, size: int = 100) -> None:
        self.platform = platform
        self.people = [person(platform, i) for i in range(size)]
        self.calls: list[tuple[int, int]] = []
        self.fail_from_call: int | None = None
        self.after_page: dict[int, Callable[[], Awaitable[None]]] = {}

    def usable(self, criteria: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        return criteria, []

    async def search(self, criteria: dict[str, Any], start: int, count: int) -> SearchPage:
        self.calls.append((start, count))
        if self.fail_from_call is not None and len(self.calls) >= self.fail_from_call:
            raise PlatformUnavailable(f"{self.platform.value} people search: HTTP 503 x5")
        page = self.people[start : start + count]
        hook = self.after_page.get(len(self.calls))
        if hook is not None:
            await hook()
        return SearchPage(
            found=[Found(start + i, p) for i, p in enumerate(page)],
            consumed=len(page),
            exhausted=start + len(page) >= len(self.people),
        )


class Recorder:
    def __init__(self) -> None:
        self.envelopes: list[Envelope[Any]] = []
        self.fail_after: int | None = None

    async def publish(self, envelope: Envelope[Any]) -> None:
        if self.fail_after is not None and len(self.envelopes) >= self.fail_after:
            raise ConnectionError("broker unreachable")
        self.envelopes.append(envelope)

    def of(self, event_type: str) -> list[Envelope[Any]]:
        return [e for e in self.envelopes if e.event_type == event_type]


def campaign(
    *platforms: Platform,
    max_prospects: int = 30,
    status: ControlStatus = ControlStatus.RUNNING,
    campaign_id: uuid.UUID | None = None,
) -> CampaignCursors:
    return CampaignCursors(
        campaign_id=campaign_id or uuid.uuid4(),
        team_id=TEAM,
        status=status,
        options=CampaignOptions(max_prospects=max_prospects),
        correlation_id="corr-discovery",
        started_event_id=uuid.uuid4(),
        platforms=tuple(
            PlatformCursor(p, criteria={"titles": ["CTO"]})
            for p in platforms or [Platform.LINKEDIN]
        ),
    )


@pytest.fixture
def store() -> MemoryCursorStore:
    return MemoryCursorStore()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def make_pager(store: MemoryCursorStore, recorder: Recorder):
    wakeups: dict[uuid.UUID, asyncio.Event] = {}

    def make(*searches: FakeSearch, owner: str = "replica-a", page_size: int = 7) -> CampaignPager:
        return CampaignPager(
            store,
            {search.platform: search for search in searches},
            recorder,
            owner=owner,
            page_size=page_size,
            pause_poll_s=0.01,
            wakeup=lambda campaign_id: wakeups.setdefault(campaign_id, asyncio.Event()),
        )

    return make


@pytest.fixture
def make_campaign():
    return campaign


@pytest.fixture
def make_search():
    return FakeSearch


async def _wait_until(condition: Callable[[], bool]) -> None:
    """Poll ``condition`` until it holds; fail after five seconds."""
    async with asyncio.timeout(5):
        while True:  # what we wait for is plain state, with no event to await
            if condition():
                return
            await asyncio.sleep(0.005)


@pytest.fixture
def wait_until():
    return _wait_until


# -- a real Postgres (one server per session, a migrated database per test)


@pytest.fixture
async def database(migrated_urls: MigratedUrls) -> dict[str, str]:
    """``admin`` and ``discovery`` (the service's role) URLs of a fresh migrated database."""
    return await migrated_urls("discovery")

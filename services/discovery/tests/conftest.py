"""Fakes at discovery's edges, behind the same protocols as the real adapters:

- ``MemoryCursorStore`` is the SQL cursor store in memory (same lease, owner and
  finished rules; time is a settable clock so leases lapse without sleeping);
- ``FakeSearch`` is a platform's people search over a ranked list of people, with hooks
  to fail, or to run code after a given page (a control message arriving mid-campaign);
- ``Recorder`` is the publisher (the bus), keeping every envelope;
- ``make_limiter`` is the real rate limiter over a real Valkey (one per session);
- ``sandbox`` is the real sandbox provider server in process, on ``fake_time``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from leadgen_common.contracts import Envelope, Platform, team_id_for
from leadgen_common.contracts.events import CampaignOptions, ProspectProfile
from leadgen_common.http_retry import RetryPolicy
from leadgen_common.ratelimit import BucketLimit, LimitTable, RateLimiter
from leadgen_common.testing.fixtures import MigratedUrls
from leadgen_common.testing.valkey import running_valkey
from leadgen_devstack.sandbox.app import create_app as create_sandbox
from leadgen_devstack.sandbox.population import build_population
from leadgen_devstack.sandbox.settings import SandboxSettings
from leadgen_discovery.adapters.platform_api import PlatformApi
from leadgen_discovery.domain.cursors import (
    CampaignCursors,
    ControlStatus,
    Outcome,
    PlatformCursor,
)
from leadgen_discovery.paging import CampaignPager
from leadgen_discovery.ports import (
    Found,
    PageRequest,
    PlatformUnavailable,
    SearchPage,
    WaitReporter,
)
from redis.asyncio import Redis

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
        self.published: dict[uuid.UUID, set[uuid.UUID]] = {}
        self.rate_limited: dict[tuple[uuid.UUID, Platform], datetime | None] = {}
        self.shown_waits: list[tuple[Platform, datetime | None]] = []

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

    async def seen(
        self, team_id: uuid.UUID, campaign_id: uuid.UUID, prospect_ids: Iterable[uuid.UUID]
    ) -> set[uuid.UUID]:
        return self.published.get(campaign_id, set()) & set(prospect_ids)

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
        row = self.rows[campaign_id]
        if row.state.owner != owner or row.state.finished:
            return False
        cursors = tuple(
            dataclasses.replace(
                cursor,
                next_start=next_start,
                discovered=discovered,
                page_token=page_token,
                outcome=outcome,
                failure_reason=failure_reason,
            )
            if cursor.platform == platform
            else cursor
            for cursor in row.state.platforms
        )
        self._replace(row, platforms=cursors)
        self.published.setdefault(campaign_id, set()).update(published)
        return True

    async def set_rate_limited(
        self, campaign_id: uuid.UUID, platform: Platform, until: datetime | None
    ) -> None:
        self.rate_limited[(campaign_id, platform)] = until
        self.shown_waits.append((platform, until))

    async def finish(self, owner: str, campaign_id: uuid.UUID) -> bool:
        row = self.rows[campaign_id]
        if row.state.owner != owner or row.state.finished:
            return False
        self._replace(row, finished=True, owner=None)
        row.lease_until = None
        self.published.pop(campaign_id, None)
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
    """``size`` people ranked 0..size-1; ``after_page[n]`` runs after the n-th answer.

    ``people`` may be replaced by a list holding someone twice, as a platform whose
    ranking shifted between pages (or a second query) would return them; ``tokens``
    pages with a continuation token instead of offsets; ``wait_s`` makes every call wait
    that long for the rate limit, telling the reporter first; ``gate`` makes it wait until
    the test opens it.
    """

    def __init__(self, platform: Platform = Platform.LINKEDIN, size: int = 100) -> None:
        self.platform = platform
        self.people = [person(platform, i) for i in range(size)]
        self.calls: list[tuple[int, int]] = []
        self.tokens_seen: list[str | None] = []
        self.fail_from_call: int | None = None
        self.after_page: dict[int, Callable[[], Awaitable[None]]] = {}
        self.tokens = False
        self.wait_s = 0.0
        self.gate: asyncio.Event | None = None  # when set: wait (shown) until it opens
        self.waited_until = datetime(2030, 1, 1, tzinfo=UTC)  # told to the reporter

    def usable(self, criteria: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        return criteria, []

    async def search(
        self, criteria: dict[str, Any], page: PageRequest, waits: WaitReporter
    ) -> SearchPage:
        self.calls.append((page.start, page.count))
        self.tokens_seen.append(page.token)
        if self.wait_s or self.gate is not None:
            await waits.rate_limited(self.waited_until)
            await asyncio.sleep(self.wait_s)
            if self.gate is not None:
                await self.gate.wait()
        if self.fail_from_call is not None and len(self.calls) >= self.fail_from_call:
            raise PlatformUnavailable(f"{self.platform.value} people search: HTTP 503 x5")
        position = int(page.token or 0) if self.tokens else page.start
        people = self.people[position : position + page.count]
        hook = self.after_page.get(len(self.calls))
        if hook is not None:
            await hook()
        end = position + len(people)
        exhausted = end >= len(self.people)
        return SearchPage(
            found=[Found(page.start + i, p) for i, p in enumerate(people)],
            consumed=len(people),
            exhausted=exhausted,
            next_token=str(end) if self.tokens and not exhausted else None,
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
            page_sizes=dict.fromkeys(Platform, page_size),
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


# -- a real Valkey for the rate limiter (one server per session, a key prefix per test)


@pytest.fixture(scope="session")
def valkey_url() -> Iterator[str]:
    with running_valkey() as url:
        yield url


@pytest.fixture
async def make_limiter(valkey_url: str) -> AsyncIterator[Callable[..., RateLimiter]]:
    """``make_limiter({"linkedin:search": BucketLimit(...)})``: a limiter of its own keys."""
    clients: list[Redis] = []

    def make(buckets: dict[str, BucketLimit] | None = None) -> RateLimiter:
        clients.append(Redis.from_url(valkey_url))
        table = LimitTable(buckets=buckets or {}, default=UNLIMITED)
        return RateLimiter(clients[-1], table, prefix=f"test-{uuid.uuid4().hex}")

    yield make
    for client in clients:
        await client.aclose()


#: Buckets a test does not configure: never the reason anything waits.
UNLIMITED = BucketLimit(limit=1_000_000, window_s=60)


# -- the sandbox provider server in process, on a clock the test moves


class FakeTime:
    """Drives the sandbox (quota windows, token expiry) and an adapter's sleeps, retry
    cool-downs and token cache: waiting out a Retry-After costs no wall time."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(scope="session")
def population():
    return build_population(2_000)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def sandbox(population, fake_time) -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    """``sandbox(**settings)``: a client of a fresh sandbox app (base ``http://sandbox``)."""
    clients: list[httpx.AsyncClient] = []

    def make(**settings: Any) -> httpx.AsyncClient:
        configured = SandboxSettings(population=len(population.people), **settings)
        app = create_sandbox(configured, population, clock=fake_time.clock)
        transport = httpx.ASGITransport(app=app)
        clients.append(httpx.AsyncClient(transport=transport, base_url="http://sandbox"))
        return clients[-1]

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def make_api(make_limiter, fake_time) -> Callable[..., PlatformApi]:
    """``make_api(platform, http, policy=..., limiter=...)`` on the test's fake time."""

    def make(
        platform: Platform,
        http: httpx.AsyncClient,
        policy: RetryPolicy = SANDBOX_POLICY,
        limiter: RateLimiter | None = None,
    ) -> PlatformApi:
        return PlatformApi(
            platform,
            http,
            limiter=limiter or make_limiter(),
            policy=policy,
            sleep=fake_time.sleep,
            clock=fake_time.clock,
        )

    return make


#: Retries as the service makes them, with a Retry-After up to a minute waited.
SANDBOX_POLICY = RetryPolicy(
    attempts=3, backoff_s=0.5, max_backoff_s=4, max_retry_after_s=90, jitter=0.25
)


# -- lookalike edges: the seed and the audiences table in memory


class MemorySeeds:
    """Stands in for the leads query: the hashed emails it would answer, and what it got."""

    def __init__(self, hashes: list[str]) -> None:
        self.hashes = hashes
        self.asked: list[tuple[uuid.UUID, uuid.UUID, float, int]] = []

    async def best_lead_hashes(
        self, team_id: uuid.UUID, icp_id: uuid.UUID, *, min_score: float, limit: int
    ) -> list[str]:
        self.asked.append((team_id, icp_id, min_score, limit))
        return self.hashes[:limit]


class MemoryAudiences:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, dict[str, Any]] = {}
        self.saves = 0

    async def finished(self, audience_id: uuid.UUID) -> bool:
        return audience_id in self.rows

    async def save(self, row: dict[str, Any]) -> None:
        self.saves += 1
        self.rows[row["id"]] = row


@pytest.fixture
def no_lookalikes():
    """Lookalike requests over an empty seed and no builders (for tests of other topics)."""
    from leadgen_discovery.lookalike.requests import LookalikeRequests

    return LookalikeRequests(MemorySeeds([]), {}, MemoryAudiences())


@pytest.fixture
def memory_seeds():
    """``memory_seeds(hashes)``: a seed source answering ``hashes``."""
    return MemorySeeds


@pytest.fixture
def memory_audiences() -> MemoryAudiences:
    return MemoryAudiences()

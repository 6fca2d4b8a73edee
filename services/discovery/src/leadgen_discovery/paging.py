"""The paging loop of one campaign: fetch a page on each platform that has none in
flight, and as each arrives publish its new prospects and persist the cursor (one at a
time, so counting stays exact); check the control state; repeat; then publish
campaign.discovery_finished.

It runs as a background task of the :class:`~leadgen_discovery.supervisor.Supervisor`,
never inside a Kafka handler (a campaign pages for minutes; a handler must not block its
partition). Every decision is taken from the cursors just loaded, so a restart resumes
exactly where the last persisted page ended, on whichever replica claims the campaign.
Platforms fetch concurrently: one waiting for its rate limit does not stop the others.

The loop continues the campaign's trace (stored with its cursors from the
campaign.started handler's span): its platform calls and every prospect.discovered it
publishes belong to the trace that began with the gateway's ``POST /campaigns``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Mapping
from contextvars import Token
from typing import Any

from leadgen_common import kafka_tracing
from leadgen_common import logging as log_ctx
from leadgen_common.contracts import Envelope, Platform, envelope_for, prospect_id_for
from leadgen_common.criteria import NOT_SUPPORTED
from leadgen_common.suppression import profile_entries
from opentelemetry import context as otel_context
from opentelemetry.context import Context

from . import metrics
from .domain.cursors import (
    CampaignCursors,
    Finish,
    Outcome,
    Page,
    Reason,
    Start,
    Wait,
    next_step,
)
from .domain.finish import (
    discovered_event_id,
    discovery_finished,
    finished_event_id,
    prospect_discovered,
)
from .fetches import Fetches, InFlight
from .ports import (
    CursorStore,
    Found,
    LeaseLost,
    PageRequest,
    PeopleSearch,
    PlatformUnavailable,
    Publisher,
    Suppressions,
)
from .waits import CursorWaits

logger = logging.getLogger(__name__)


class CampaignPager:
    def __init__(
        self,
        store: CursorStore,
        searches: Mapping[Platform, PeopleSearch],
        publisher: Publisher,
        *,
        owner: str,
        page_sizes: Mapping[Platform, int],
        pause_poll_s: float,
        wakeup: Callable[[uuid.UUID], asyncio.Event],
        suppressions: Suppressions | None = None,
    ) -> None:
        self.store = store
        self.suppressions = suppressions
        self.searches = searches
        self.publisher = publisher
        self.owner = owner
        self.page_sizes = page_sizes
        self.pause_poll_s = pause_poll_s
        self.wakeup = wakeup

    async def run(self, campaign_id: uuid.UUID) -> None:
        """Page ``campaign_id`` to its end; raises LeaseLost if another replica took it."""
        log_ctx.bind(campaign_id=campaign_id)
        fetches = Fetches()
        traced: Token[Context] | None = None  # the campaign's trace context, once attached
        try:
            while True:
                # Cleared before loading, so a control message handled after the load
                # still wakes the waits below.
                self.wakeup(campaign_id).clear()
                state = await self._load(campaign_id)
                if state is None:
                    return
                if traced is None:  # fetch tasks started from here on inherit it
                    traced = otel_context.attach(kafka_tracing.extract(state.trace_context))
                match next_step(state, self.page_sizes, fetches.reserved()):
                    case Wait():
                        await fetches.cancel()  # a paused campaign fetches nothing
                        await self._wait(campaign_id)
                    case Start(pages=pages):
                        for page in pages:
                            await self._start(state, page, fetches)
                        await fetches.settle(self.wakeup(campaign_id), self.pause_poll_s)
                        for platform in fetches.done():
                            await self._take(campaign_id, platform, fetches.pop(platform))
                    case Finish(reason=reason):
                        await fetches.cancel()
                        await self._finish(state, reason)
                        return
        finally:
            await fetches.cancel()
            if traced is not None:
                otel_context.detach(traced)

    async def _load(self, campaign_id: uuid.UUID) -> CampaignCursors | None:
        """The campaign's cursors; None once finished; LeaseLost if no longer ours."""
        state = await self.store.load(campaign_id)
        if state is None or state.finished:
            return None
        if state.owner != self.owner:
            raise LeaseLost(str(campaign_id))
        log_ctx.bind(correlation_id=state.correlation_id)
        return state

    async def _wait(self, campaign_id: uuid.UUID) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.pause_poll_s):
                await self.wakeup(campaign_id).wait()

    async def _start(self, state: CampaignCursors, page: Page, fetches: Fetches) -> None:
        cursor = page.cursor
        search = self.searches.get(cursor.platform)
        if search is None:
            await self._advance(
                state, cursor.platform, outcome=Outcome.FAILED, reason=NOT_SUPPORTED
            )
            return
        request = PageRequest(cursor.next_start, cursor.page_token, page.count)
        waits = CursorWaits(self.store, state.campaign_id, cursor.platform)
        fetches.start(search, cursor.criteria, request, waits)

    async def _take(self, campaign_id: uuid.UUID, platform: Platform, fetch: InFlight) -> None:
        """Publish the new people of a page that arrived and persist the cursor, against
        the cursors as they are now (other platforms' pages may have landed meanwhile)."""
        try:
            page = fetch.task.result()
        except PlatformUnavailable as exc:
            state = await self._load(campaign_id)
            if state is not None:
                logger.warning("%s failed for good: %s", platform, exc)
                await self._advance(state, platform, outcome=Outcome.FAILED, reason=str(exc))
            return
        state = await self._load(campaign_id)
        if state is None or state.remaining == 0:
            return  # pages that landed together filled the campaign: this one is not needed
        cursor = state.cursor(platform)
        fresh = await self._unseen(state, page.found)
        # Never more than the campaign still needs, whatever the page size.
        taken = fresh[: state.remaining]
        await self._publish_prospects(state, taken)
        cut = len(taken) < len(fresh)
        # An empty page ends the platform even if the API says otherwise: no endless loop.
        exhausted = (page.exhausted or page.consumed == 0) and not cut
        await self._advance(
            state,
            platform,
            next_start=taken[-1].rank + 1 if cut else cursor.next_start + page.consumed,
            page_token=cursor.page_token if cut else page.next_token,
            discovered=cursor.discovered + len(taken),
            outcome=Outcome.EXHAUSTED if exhausted else None,
            published=[self._prospect_id(state, found) for found in taken],
        )

    async def _finish(self, state: CampaignCursors, reason: Reason) -> None:
        payload = discovery_finished(state, reason)
        await self._publish(state, payload, finished_event_id(state.campaign_id))
        if not await self.store.finish(self.owner, state.campaign_id):
            raise LeaseLost(str(state.campaign_id))
        logger.info("discovery finished: %s, %d prospects", reason, state.discovered)

    async def _unseen(self, state: CampaignCursors, found: list[Found]) -> list[Found]:
        """``found`` without the people the campaign already published (an earlier page,
        another query), without repeats within the page, and without the people the
        team's suppression list names (by platform id, profile URL or employer domain:
        they are never published, so nothing downstream meets them)."""
        firsts: dict[uuid.UUID, Found] = {}
        for item in found:
            firsts.setdefault(self._prospect_id(state, item), item)
        if not firsts:
            return []
        seen = await self.store.seen(state.team_id, state.campaign_id, list(firsts))
        fresh = {pid: item for pid, item in firsts.items() if pid not in seen}
        if self.suppressions is not None and fresh:
            people = {pid: (state.team_id, profile_entries(f.profile)) for pid, f in fresh.items()}
            skipped = await self.suppressions.suppressed(people)
            if skipped:  # a page is one platform's
                platform = next(iter(fresh.values())).profile.platform.value
                metrics.PROSPECTS_SUPPRESSED.labels(platform).inc(len(skipped))
            fresh = {pid: item for pid, item in fresh.items() if pid not in skipped}
        return list(fresh.values())

    async def _publish_prospects(self, state: CampaignCursors, found: list[Found]) -> None:
        publishes = []
        for item in found:
            payload = prospect_discovered(state, item.rank, item.profile)
            event_id = discovered_event_id(state.campaign_id, payload.prospect_id)
            publishes.append(self._publish(state, payload, event_id))
        await asyncio.gather(*publishes)
        if found:
            metrics.PROSPECTS_DISCOVERED.labels(found[0].profile.platform.value).inc(len(found))

    @staticmethod
    def _prospect_id(state: CampaignCursors, found: Found) -> uuid.UUID:
        profile = found.profile
        return prospect_id_for(state.team_id, profile.platform, profile.platform_profile_id)

    async def _publish(self, state: CampaignCursors, payload: Any, event_id: uuid.UUID) -> None:
        envelope: Envelope[Any] = envelope_for(
            payload, team_id=state.team_id, correlation_id=state.correlation_id
        ).model_copy(update={"event_id": event_id, "causation_id": state.started_event_id})
        await self.publisher.publish(envelope)

    async def _advance(
        self,
        state: CampaignCursors,
        platform: Platform,
        *,
        next_start: int | None = None,
        page_token: str | None = None,
        discovered: int | None = None,
        outcome: Outcome | None = None,
        reason: str | None = None,
        published: list[uuid.UUID] | None = None,
    ) -> None:
        cursor = state.cursor(platform)
        held = await self.store.advance(
            self.owner,
            state.campaign_id,
            platform,
            next_start=cursor.next_start if next_start is None else next_start,
            page_token=cursor.page_token if next_start is None else page_token,
            discovered=cursor.discovered if discovered is None else discovered,
            outcome=outcome,
            failure_reason=reason,
            published=published or (),
        )
        if not held:
            raise LeaseLost(str(state.campaign_id))

"""The paging loop of one campaign: search a page, publish its prospects, persist the
cursor, check the control state, repeat; then publish campaign.discovery_finished.

It runs as a background task of the :class:`~leadgen_discovery.supervisor.Supervisor`,
never inside a Kafka handler (a campaign pages for minutes; a handler must not block its
partition). Every decision is taken from the cursors just loaded, so a restart resumes
exactly where the last persisted page ended, on whichever replica claims the campaign.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from leadgen_common import logging as log_ctx
from leadgen_common.contracts import Envelope, Platform, envelope_for, prospect_id_for
from leadgen_common.criteria import NOT_SUPPORTED

from . import metrics
from .domain.cursors import (
    CampaignCursors,
    ControlStatus,
    Finish,
    Outcome,
    Page,
    Wait,
    next_step,
)
from .domain.finish import (
    discovered_event_id,
    discovery_finished,
    finished_event_id,
    prospect_discovered,
)
from .ports import (
    CursorStore,
    Found,
    LeaseLost,
    PageRequest,
    PeopleSearch,
    PlatformUnavailable,
    Publisher,
    SearchPage,
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
    ) -> None:
        self.store = store
        self.searches = searches
        self.publisher = publisher
        self.owner = owner
        self.page_sizes = page_sizes
        self.pause_poll_s = pause_poll_s
        self.wakeup = wakeup

    async def run(self, campaign_id: uuid.UUID) -> None:
        """Page ``campaign_id`` to its end; raises LeaseLost if another replica took it."""
        log_ctx.bind(campaign_id=campaign_id)
        while True:
            # Cleared before loading, so a control message handled after the load still
            # wakes the wait below.
            self.wakeup(campaign_id).clear()
            state = await self.store.load(campaign_id)
            if state is None or state.finished:
                return
            if state.owner != self.owner:
                raise LeaseLost(str(campaign_id))
            log_ctx.bind(correlation_id=state.correlation_id)
            match next_step(state, self.page_sizes):
                case Wait():
                    await self._wait(campaign_id)
                case Page(cursor=cursor, count=count):
                    await self._page(state, cursor.platform, count)
                case Finish(reason=reason):
                    payload = discovery_finished(state, reason)
                    await self._publish(state, payload, finished_event_id(campaign_id))
                    if not await self.store.finish(self.owner, campaign_id):
                        raise LeaseLost(str(campaign_id))
                    logger.info("discovery finished: %s, %d prospects", reason, state.discovered)
                    return

    async def _wait(self, campaign_id: uuid.UUID) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.pause_poll_s):
                await self.wakeup(campaign_id).wait()

    async def _page(self, state: CampaignCursors, platform: Platform, count: int) -> None:
        cursor = state.cursor(platform)
        search = self.searches.get(platform)
        if search is None:
            await self._advance(state, platform, outcome=Outcome.FAILED, reason=NOT_SUPPORTED)
            return
        request = PageRequest(cursor.next_start, cursor.page_token, count)
        try:
            page = await self._fetch(state, search, cursor.criteria, request)
        except PlatformUnavailable as exc:
            logger.warning("%s failed for good: %s", platform, exc)
            await self._advance(state, platform, outcome=Outcome.FAILED, reason=str(exc))
            return
        if page is None:  # paused or cancelled while waiting: the next step says which
            return
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

    async def _fetch(
        self,
        state: CampaignCursors,
        search: PeopleSearch,
        criteria: dict[str, Any],
        request: PageRequest,
    ) -> SearchPage | None:
        """The page, or None if the campaign stopped running while it was fetched: a long
        wait for the rate limit must not hold a pause or a cancel up. A control message
        handled here wakes the check at once; one handled by another replica is seen by
        polling the status every ``pause_poll_s`` while the fetch lasts."""
        campaign_id = state.campaign_id
        waits = CursorWaits(self.store, campaign_id, search.platform)
        fetch = asyncio.ensure_future(search.search(criteria, request, waits))
        try:
            while True:
                woken = asyncio.ensure_future(self.wakeup(campaign_id).wait())
                try:
                    await asyncio.wait(
                        {fetch, woken},
                        timeout=self.pause_poll_s,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                finally:
                    woken.cancel()
                if fetch.done():
                    return fetch.result()
                self.wakeup(campaign_id).clear()
                if await self.store.control_status(campaign_id) is not ControlStatus.RUNNING:
                    return None
        finally:
            if not fetch.done():
                fetch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await fetch
            await waits.over()

    async def _unseen(self, state: CampaignCursors, found: list[Found]) -> list[Found]:
        """``found`` without the people the campaign already published (an earlier page,
        another query) and without repeats within the page."""
        firsts: dict[uuid.UUID, Found] = {}
        for item in found:
            firsts.setdefault(self._prospect_id(state, item), item)
        if not firsts:
            return []
        seen = await self.store.seen(state.team_id, state.campaign_id, list(firsts))
        return [item for pid, item in firsts.items() if pid not in seen]

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

"""The pages a campaign has in flight, one per platform at most.

Each is a task of its own, so a platform waiting for its rate limit (minutes, at the
production limits) holds up neither the campaign's other platforms nor other campaigns.
A fetch shows its waits as the platform's ``rateLimitedUntil`` (:class:`CursorWaits`) and
clears them when it ends, however it ends; a cancelled fetch persisted nothing, so its
page is simply asked for again from the cursor.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

from leadgen_common.contracts import Platform

from .ports import PageRequest, PeopleSearch, SearchPage
from .waits import CursorWaits


@dataclass
class InFlight:
    request: PageRequest
    waits: CursorWaits
    task: asyncio.Task[SearchPage]

    @property
    def reserved(self) -> int:
        """People it may still bring: none while it waits for the rate limit."""
        return 0 if self.waits.shown is not None else self.request.count


class Fetches(dict[Platform, InFlight]):
    def start(
        self,
        search: PeopleSearch,
        criteria: dict[str, Any],
        request: PageRequest,
        waits: CursorWaits,
    ) -> None:
        task = asyncio.create_task(
            _search(search, criteria, request, waits), name=f"fetch-{search.platform.value}"
        )
        self[search.platform] = InFlight(request, waits, task)

    def reserved(self) -> dict[Platform, int]:
        return {platform: fetch.reserved for platform, fetch in self.items()}

    def done(self) -> list[Platform]:
        return [platform for platform, fetch in self.items() if fetch.task.done()]

    async def settle(self, wakeup: asyncio.Event, poll_s: float) -> None:
        """Until a fetch ends, ``wakeup`` is set (a control message) or ``poll_s``."""
        woken = asyncio.ensure_future(wakeup.wait())
        try:
            tasks = {fetch.task for fetch in self.values()}
            await asyncio.wait({*tasks, woken}, timeout=poll_s, return_when="FIRST_COMPLETED")
        finally:
            woken.cancel()

    async def cancel(self) -> None:
        """Stop every fetch (the pages are asked for again from the cursors later)."""
        for fetch in self.values():
            fetch.task.cancel()
        for fetch in self.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await fetch.task
        self.clear()


async def _search(
    search: PeopleSearch, criteria: dict[str, Any], request: PageRequest, waits: CursorWaits
) -> SearchPage:
    try:
        return await search.search(criteria, request, waits)
    finally:
        await waits.over()

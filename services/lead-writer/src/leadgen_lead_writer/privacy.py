"""lead-writer's privacy use cases: erasure (``prospect.erase``), a team's opt-outs
(``suppression.add``), and refusing to store a person their team's list names.

Erasure, in one transaction: the person's own identifiers (platform id, profile URL, every
email lead-writer knows) go on the team's list as hashes (reason ``erased``), so no later
campaign finds, enriches or stores them again; their data is scrubbed from every
lead-writer table (``adapters.erasure``); ``prospect.erased`` goes into the outbox, so it
is published exactly when the erasure committed (the other services treat it as they
treat the command: scoring drops the vectors, enrichment the cached answers). A
redelivered command is absorbed by ``processed_events``; a new command for an erased
person confirms again with the first erasure's time.

Refusal: a prospect event whose person the list names (or which enrichment already
withheld) stores nothing. The person is erased as above if lead-writer held anything of
them (an opt-out can arrive after a first campaign), or gets an empty erased row (their
campaign rows need one); the campaign row still moves through the funnel, so the campaign
completes, but its status is ``erased`` and no lead is made.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from leadgen_common.contracts import Envelope, PoisonMessage, reaction_to, utcnow
from leadgen_common.contracts.events import (
    AddSuppression,
    EraseProspect,
    ProspectErased,
    ProspectProfile,
)
from leadgen_common.crypto import FieldCipher
from leadgen_common.db.suppressions import suppressed
from leadgen_common.suppression import (
    Entry,
    Kind,
    Reason,
    entry,
    person_entries,
    platform_id,
)
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from . import metrics
from .adapters import dedupe, erasure, outbox, prospects, suppressions
from .completion_check import complete_if_done
from .domain.privacy import (
    SCREENED,
    InvalidSuppression,
    event_entries,
    requested_entry,
    withheld,
)

logger = logging.getLogger(__name__)

#: processed_events.consumer, as every lead-writer subscriber's.
CONSUMER = "lead-writer"


def hashed_profile_id(platform: str, platform_profile_id: str) -> str:
    """What an erased row keeps of the platform's id: its suppression-list digest."""
    found = entry(Kind.PLATFORM_ID, platform_id(platform, platform_profile_id))
    assert found is not None  # a stored or discovered profile id is never blank
    return found.digest


class Privacy:
    def __init__(
        self,
        engine: AsyncEngine,
        *,
        cipher: FieldCipher,
        on_outbox: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine = engine
        self.cipher = cipher
        self.on_outbox = on_outbox  # wakes the relay once prospect.erased committed

    async def _first(self, conn: AsyncConnection, envelope: Envelope[Any]) -> bool:
        if await dedupe.first_delivery(conn, CONSUMER, envelope.event_id):
            return True
        metrics.DUPLICATES.labels(envelope.event_type, "event_id").inc()
        return False

    # ------------------------------------------------------------------ prospect.erase
    async def prospect_erase(self, envelope: Envelope[EraseProspect]) -> None:
        """Erase the person (see the module's docstring) and confirm with prospect.erased."""
        pid = envelope.payload.prospect_id
        async with self.engine.begin() as conn:
            if not await self._first(conn, envelope):
                return
            row = await erasure.lock(conn, pid)
            if row is not None and row.team_id != envelope.team_id:
                raise PoisonMessage("contract_violation", "the prospect belongs to another team")
            if row is None:  # nothing stored (or retention deleted it): confirm only
                erased_at = utcnow()
            elif row.erased_at is None:
                erased_at, touched = await self._erase(conn, envelope.team_id, pid, row)
                for campaign_id in sorted(touched):  # the order every transaction locks in
                    await complete_if_done(conn, campaign_id)
                metrics.ERASURES.labels("request").inc()
            else:
                erased_at = row.erased_at
            await self._confirm(conn, envelope, pid, erased_at)
        self.on_outbox()

    async def _erase(
        self,
        conn: AsyncConnection,
        team_id: uuid.UUID,
        pid: uuid.UUID,
        row: Row[Any],
        also: Iterable[Entry] = (),
    ) -> tuple[datetime, set[uuid.UUID]]:
        """Suppress and scrub; when, and the campaigns touched."""
        record = await prospects.load(conn, self.cipher, pid)
        emails = (record.contact_info.get("email"), record.enrichment_data.get("email"))
        own = person_entries(
            platform=row.platform,
            platform_profile_id=row.platform_profile_id,
            profile_url=row.profile_url,
            emails=emails,
        )
        await suppressions.add(conn, team_id, own | set(also), Reason.ERASED)
        at = utcnow()
        hashed = hashed_profile_id(row.platform, row.platform_profile_id)
        return at, await erasure.scrub(conn, pid, hashed_profile_id=hashed, at=at)

    async def _confirm(
        self, conn: AsyncConnection, cause: Envelope[Any], pid: uuid.UUID, at: datetime
    ) -> None:
        await outbox.add(conn, reaction_to(cause, ProspectErased(prospect_id=pid, erased_at=at)))

    # ------------------------------------------------------------------ suppression.add
    async def suppression_add(self, envelope: Envelope[AddSuppression]) -> None:
        """Put a team's opt-out on its list, hashed (never the plain value)."""
        try:
            listed = requested_entry(envelope.payload)
        except InvalidSuppression as exc:
            raise PoisonMessage("contract_violation", str(exc)) from exc
        async with self.engine.begin() as conn:
            if await self._first(conn, envelope):
                await suppressions.add(conn, envelope.team_id, [listed], Reason.OPT_OUT)

    # ------------------------------------------------------------------ refusing to store
    async def screen(
        self, conn: AsyncConnection, envelopes: Sequence[Envelope[Any]]
    ) -> frozenset[uuid.UUID]:
        """The prospects of ``envelopes`` not to store: withheld by enrichment, or named
        by their team's list (one query for the whole batch)."""
        people: dict[uuid.UUID, tuple[uuid.UUID, set[Entry]]] = {}
        refused: set[uuid.UUID] = set()
        for envelope in envelopes:
            if envelope.event_type not in SCREENED:
                continue
            pid = envelope.payload.prospect_id
            people.setdefault(pid, (envelope.team_id, set()))[1].update(event_entries(envelope))
            if withheld(envelope):
                refused.add(pid)
        return frozenset(refused | await suppressed(conn, people))

    async def refuse(
        self, conn: AsyncConnection, envelope: Envelope[Any], profile: ProspectProfile
    ) -> set[uuid.UUID]:
        """Store nothing of the event's person; erase what is stored of them, or write an
        empty erased row; confirm a first erasure with prospect.erased, and confirm again
        for a scored event of a person already erased (scoring stored vectors on the way).
        Returns the campaigns the erasure touched (the caller checks their completion, in
        its order)."""
        pid = envelope.payload.prospect_id
        seen = event_entries(envelope)
        row = await erasure.lock(conn, pid)
        if row is not None and row.erased_at is not None:
            if envelope.event_type == "prospect.scored":
                # scoring stored the person's vectors before this event: an erasure it
                # handled earlier did not see them, a confirmation now drops them
                await self._confirm(conn, envelope, pid, row.erased_at)
            return set()
        touched: set[uuid.UUID] = set()
        if row is None:
            at = utcnow()
            hashed = hashed_profile_id(profile.platform.value, profile.platform_profile_id)
            await erasure.shell(
                conn,
                pid,
                team_id=envelope.team_id,
                platform=profile.platform.value,
                hashed_profile_id=hashed,
                at=at,
            )
            await suppressions.add(conn, envelope.team_id, _own(seen), Reason.ERASED)
        else:
            at, touched = await self._erase(conn, envelope.team_id, pid, row, also=_own(seen))
        metrics.ERASURES.labels("suppressed").inc()
        logger.info("a suppressed person's event stored nothing; the prospect is erased")
        await self._confirm(conn, envelope, pid, at)
        return touched


def _own(entries: Iterable[Entry]) -> set[Entry]:
    """The entries naming the person themselves (not their employer's domain)."""
    return {e for e in entries if e.kind is not Kind.DOMAIN}

"""lead-writer's use cases: one method per consumed event, each one transaction.

Every method is idempotent and order-independent: the event id is recorded in
processed_events in the same transaction as the effect (a redelivery does nothing), each
funnel stage is counted once per (campaign, prospect) (a re-published duplicate under a
new event id does nothing), statuses only move forward, and any prospect event may be the
first lead-writer sees of its prospect or campaign.

A prospect event whose person their team's suppression list names (or that enrichment
withheld) stores nothing: ``privacy.Privacy`` screens each transaction's events first, and
the effect erases the person instead of storing them; the campaign row still moves
through the funnel, as ``erased``.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from leadgen_common.contracts import Envelope, PoisonMessage, envelope_for, prospect_id_for, utcnow
from leadgen_common.contracts.events import (
    CampaignOptions,
    CampaignStarted,
    ControlCampaign,
    DiscoveryFinished,
    ProspectDiscovered,
    ProspectEnriched,
    ProspectProfile,
    ProspectReviewed,
    ProspectScored,
    UpdateProspect,
)
from leadgen_common.crypto import FieldCipher
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from . import metrics
from .adapters import campaigns, dedupe, leads, ledger, outbox, prospects, stages
from .completion_check import complete_if_done
from .domain import campaign, edits, funnel
from .domain.funnel import Review, Stage
from .domain.leads import LeadNotBuildable, LeadSource, ScoreRecord, lead_created, lead_row
from .domain.privacy import without_reasons
from .privacy import Privacy

logger = logging.getLogger(__name__)

#: processed_events.consumer of every lead-writer subscriber (event ids are unique anyway).
CONSUMER = "lead-writer"

#: An effect runs in the event's transaction and returns the source of the lead it
#: created, if any (the lead and its outbox row commit with it).
Effect = Callable[[AsyncConnection], Awaitable[LeadSource | None]]


def _check_identity(
    envelope: Envelope[Any], prospect_id: uuid.UUID, profile: ProspectProfile
) -> None:
    """A prospect id is derived from team, platform and profile id; one that is not names
    some other prospect (or another team's), so the event can never apply."""
    expected = prospect_id_for(envelope.team_id, profile.platform, profile.platform_profile_id)
    if expected != prospect_id:
        raise PoisonMessage(
            "contract_violation", "prospect_id is not the id of (team, platform, profile id)"
        )


def _erased_if_refused(envelope: Envelope[Any], after: Stage) -> Stage:
    """A refused person's campaign row still moves through the funnel (so the campaign
    completes), with its status erased."""
    if envelope.payload.prospect_id in _REFUSED.get():
        return funnel.erased(after)
    return after


@dataclass
class _CampaignChange:
    team_id: uuid.UUID
    counters: funnel.Counters = field(default_factory=funnel.Counters)
    cost: Decimal = Decimal(0)
    options: CampaignOptions | None = None
    discovered_on: Counter[str] = field(default_factory=Counter)


class _Tally:
    """What one transaction's effects add to each campaign's counters."""

    def __init__(self) -> None:
        self.campaigns: dict[uuid.UUID, _CampaignChange] = {}

    def add(
        self,
        campaign_id: uuid.UUID,
        team_id: uuid.UUID,
        counters: funnel.Counters,
        *,
        cost: Decimal,
        options: CampaignOptions | None,
        discovered_on: str | None,
    ) -> None:
        change = self.campaigns.setdefault(campaign_id, _CampaignChange(team_id))
        change.counters += counters
        change.cost += cost
        change.options = change.options or options
        if discovered_on is not None:
            change.discovered_on[discovered_on] += 1

    async def flush(self, conn: AsyncConnection) -> None:
        """One counter update and completion check per campaign, in campaign id order
        (the order every lead-writer transaction takes campaign_progress locks in)."""
        for campaign_id in sorted(self.campaigns):
            change = self.campaigns[campaign_id]
            progress = await campaigns.add(
                conn,
                campaign_id,
                change.team_id,
                change.counters,
                cost=change.cost,
                options=change.options,
                discovered_on=change.discovered_on,
            )
            await complete_if_done(conn, campaign_id, progress)


#: Tries of one transaction that lost a race to a concurrent one (see _transaction).
_RACE_ATTEMPTS = 3
#: unique_violation on the prospects' natural key; deadlock_detected.
_RACE_STATES = {"23505": "uq_prospects_team_id_platform_platform_profile_id", "40P01": None}


def _lost_a_race(exc: DBAPIError) -> bool:
    driver_error = getattr(exc.orig, "__cause__", None) or exc.orig
    state = getattr(driver_error, "sqlstate", None)
    if state not in _RACE_STATES:
        return False
    constraint = _RACE_STATES[state]
    return constraint is None or getattr(driver_error, "constraint_name", None) == constraint


#: The tally of the transaction the current task is running (effects add to it).
_TALLY: ContextVar[_Tally | None] = ContextVar("lead_writer_tally", default=None)
#: The prospects the current transaction's events may not store (their team's suppression
#: list names them, or enrichment withheld them): Privacy.screen decides, effects obey.
_REFUSED: ContextVar[frozenset[uuid.UUID]] = ContextVar("lead_writer_refused", default=frozenset())


class Projector:
    def __init__(
        self,
        engine: AsyncEngine,
        *,
        cipher: FieldCipher,
        on_outbox: Callable[[], None] = lambda: None,
    ):
        self.engine = engine
        self.cipher = cipher  # contact details are stored encrypted (adapters seal/reveal)
        self.on_outbox = on_outbox  # wakes the relay once a lead's outbox row committed
        self.privacy = Privacy(engine, cipher=cipher, on_outbox=on_outbox)

    async def _once(self, envelope: Envelope[Any], effect: Effect) -> None:
        await self._transaction([(envelope, effect)])

    async def _transaction(self, items: Sequence[tuple[Envelope[Any], Effect]]) -> None:
        """Apply each first-delivered event's effect, in order, in one transaction; the
        campaign counters they move are added once per campaign at the end (one row
        update and one completion check per campaign, however many events).

        Two transactions inserting the same new prospect at once can collide on its second
        unique key (ON CONFLICT arbitrates only the primary key), and Postgres may pick a
        deadlock victim; both are races a fresh attempt resolves (it sees the other's
        committed row), so the transaction is tried again, a few times, before failing."""
        for attempt in range(1, _RACE_ATTEMPTS + 1):
            try:
                return await self._attempt(items)
            except DBAPIError as exc:
                if attempt == _RACE_ATTEMPTS or not _lost_a_race(exc):
                    raise
                metrics.DUPLICATES.labels("transaction", "race_retried").inc()
                logger.info("transaction lost a race (%s); trying again", type(exc.orig).__name__)

    async def _attempt(self, items: Sequence[tuple[Envelope[Any], Effect]]) -> None:
        tally = _Tally()
        token = _TALLY.set(tally)
        refused_token = None
        created: list[LeadSource] = []
        try:
            async with self.engine.begin() as conn:
                fresh = await dedupe.first_deliveries(
                    conn, CONSUMER, [envelope.event_id for envelope, _ in items]
                )
                refused = await self.privacy.screen(
                    conn, [envelope for envelope, _ in items if envelope.event_id in fresh]
                )
                refused_token = _REFUSED.set(refused)
                for envelope, effect in items:
                    if envelope.event_id not in fresh:
                        metrics.DUPLICATES.labels(envelope.event_type, "event_id").inc()
                        continue
                    fresh.discard(envelope.event_id)  # the same event twice in one batch
                    lead_source = await effect(conn)
                    if lead_source is not None:
                        created.append(lead_source)
                await tally.flush(conn)
        finally:
            _TALLY.reset(token)
            if refused_token is not None:
                _REFUSED.reset(refused_token)
        for lead_source in created:
            metrics.LEADS_CREATED.labels(lead_source.value).inc()
        if created or refused:  # a lead.created, or a refusal's prospect.erased
            self.on_outbox()

    async def prospect_events(self, envelopes: Sequence[Envelope[Any]]) -> None:
        """A batch of prospect.discovered / .enriched / .scored events in one transaction.

        Ordered by prospect id, so two batches (of different topics) that touch the same
        prospects lock their rows in the same order and never deadlock; events of one
        prospect keep their order. Any failure rolls the whole batch back and the
        EventBus replays it one event at a time (each with its own retries and DLQ)."""
        effects = {
            "prospect.discovered": self._discovered_effect,
            "prospect.enriched": self._enriched_effect,
            "prospect.scored": self._scored_effect,
        }
        ordered = sorted(envelopes, key=lambda envelope: envelope.payload.prospect_id)
        await self._transaction([(e, effects[e.event_type](e)) for e in ordered])

    # ------------------------------------------------------------------ campaign.*
    async def campaign_started(self, envelope: Envelope[CampaignStarted]) -> None:
        """Open the campaign's progress (running) with its options and start time."""
        started = envelope.payload

        async def effect(conn: AsyncConnection) -> None:
            await campaigns.lock(conn, started.campaign_id, envelope.team_id)
            await campaigns.record_start(
                conn, started.campaign_id, started.options, envelope.occurred_at
            )
            await complete_if_done(conn, started.campaign_id)

        await self._once(envelope, effect)

    async def campaign_control(self, envelope: Envelope[ControlCampaign]) -> None:
        """Mirror pause / resume / cancel into the campaign status (final ones stay)."""
        command = envelope.payload

        async def effect(conn: AsyncConnection) -> None:
            progress = await campaigns.lock(conn, command.campaign_id, envelope.team_id)
            status = campaign.after_control(progress.status, command.action)
            if status is not progress.status:
                await campaigns.update_row(conn, command.campaign_id, status=status.value)
            await complete_if_done(conn, command.campaign_id)  # a resume may complete it

        await self._once(envelope, effect)

    async def discovery_finished(self, envelope: Envelope[DiscoveryFinished]) -> None:
        """Record discovery's outcome: per-platform counts, criteria, warnings, failures."""
        finished = envelope.payload

        async def effect(conn: AsyncConnection) -> None:
            progress = await campaigns.lock(conn, finished.campaign_id, envelope.team_id)
            await campaigns.update_row(
                conn,
                finished.campaign_id,
                discovery_finished=True,
                expected_discovered=finished.total_discovered,
                platforms=campaign.with_discovery_outcome(progress.platforms, finished),
                warnings=campaign.warnings(finished),
                failure_reason=campaign.failure_reason(finished),
                status=campaign.after_discovery(progress.status, finished).value,
            )
            await complete_if_done(conn, finished.campaign_id)

        await self._once(envelope, effect)

    # ------------------------------------------------------------------ prospect.*
    async def prospect_discovered(self, envelope: Envelope[ProspectDiscovered]) -> None:
        """Upsert the prospect and its place in the campaign; count it as discovered."""
        await self._once(envelope, self._discovered_effect(envelope))

    def _discovered_effect(self, envelope: Envelope[ProspectDiscovered]) -> Effect:
        found = envelope.payload
        _check_identity(envelope, found.prospect_id, found.profile)

        async def effect(conn: AsyncConnection) -> None:
            if not await self._refused(conn, envelope, found.profile):
                await prospects.upsert(
                    conn,
                    self.cipher,
                    prospect_id=found.prospect_id,
                    team_id=envelope.team_id,
                    profile=found.profile,
                    seen_at=envelope.occurred_at,
                )
            before = await self._lock_stage(conn, envelope, found.campaign_id, found.profile)
            after = _erased_if_refused(envelope, funnel.discovered(before))
            fields = (
                {}
                if before.discovered
                else {
                    "rank": found.rank,
                    "discovered_at": envelope.occurred_at,
                }
            )
            await stages.save(conn, found.campaign_id, found.prospect_id, before, after, fields)
            await self._count(
                conn,
                envelope,
                found.campaign_id,
                before,
                after,
                options=found.options,
                platform=found.profile.platform.value,
            )

        return effect

    async def prospect_enriched(self, envelope: Envelope[ProspectEnriched]) -> None:
        """Store what enrichment found, log its provider calls, count it as enriched."""
        await self._once(envelope, self._enriched_effect(envelope))

    def _enriched_effect(self, envelope: Envelope[ProspectEnriched]) -> Effect:
        done = envelope.payload
        _check_identity(envelope, done.prospect_id, done.profile)

        async def effect(conn: AsyncConnection) -> None:
            if not await self._refused(conn, envelope, done.profile):
                await prospects.upsert(
                    conn,
                    self.cipher,
                    prospect_id=done.prospect_id,
                    team_id=envelope.team_id,
                    profile=done.profile,
                    seen_at=envelope.occurred_at,
                    enrichment=done.enrichment,
                )
            before = await self._lock_stage(conn, envelope, done.campaign_id, done.profile)
            after = _erased_if_refused(envelope, funnel.enriched(before, done.enrichment_skipped))
            await stages.save(conn, done.campaign_id, done.prospect_id, before, after)
            cost = await ledger.log_calls(
                conn,
                source_event_id=envelope.event_id,
                team_id=envelope.team_id,
                campaign_id=done.campaign_id,
                prospect_id=done.prospect_id,
                calls=done.provider_calls,
            )
            await self._count(
                conn, envelope, done.campaign_id, before, after, options=done.options, cost=cost
            )

        return effect

    async def prospect_scored(self, envelope: Envelope[ProspectScored]) -> None:
        """Store the score and breakdown, route by outcome; auto-convert makes the lead."""
        await self._once(envelope, self._scored_effect(envelope))

    def _scored_effect(self, envelope: Envelope[ProspectScored]) -> Effect:
        result = envelope.payload
        _check_identity(envelope, result.prospect_id, result.profile)
        breakdown = result.breakdown.model_dump(mode="json")

        async def effect(conn: AsyncConnection) -> LeadSource | None:
            refused = await self._refused(conn, envelope, result.profile)
            if not refused:
                await prospects.upsert(
                    conn,
                    self.cipher,
                    prospect_id=result.prospect_id,
                    team_id=envelope.team_id,
                    profile=result.profile,
                    seen_at=envelope.occurred_at,
                    enrichment=result.enrichment,
                    quality_score=result.quality_score,
                )
            before = await self._lock_stage(conn, envelope, result.campaign_id, result.profile)
            after = _erased_if_refused(envelope, funnel.scored(before, result.outcome))
            created = None
            auto_convert = result.options.auto_convert and not refused
            if funnel.wants_auto_lead(before, after, auto_convert=auto_convert):
                score = ScoreRecord(result.icp_match_score, result.quality_score, breakdown)
                created = await self._create_lead(
                    conn, envelope, result.campaign_id, result.prospect_id, score, LeadSource.AUTO
                )
                after = funnel.with_lead(after, created=created is not None)
            fields = (
                {}
                if before.scored
                else {
                    "icp_match_score": result.icp_match_score,
                    "quality_score": result.quality_score,
                    "breakdown": without_reasons(breakdown) if refused else breakdown,
                }
            )
            await stages.save(conn, result.campaign_id, result.prospect_id, before, after, fields)
            await self._count(
                conn, envelope, result.campaign_id, before, after, options=result.options
            )
            return created

        return effect

    async def prospect_reviewed(self, envelope: Envelope[ProspectReviewed]) -> None:
        """Apply a person's convert or reject to a qualified or review prospect."""
        decision = envelope.payload
        cid, pid = decision.campaign_id, decision.prospect_id

        async def effect(conn: AsyncConnection) -> LeadSource | None:
            before, team_id = await stages.lock_existing(conn, cid, pid) or (None, None)
            if team_id is not None and team_id != envelope.team_id:
                raise PoisonMessage("contract_violation", "the prospect belongs to another team")
            action = funnel.review(before, decision.decision)
            if action is Review.NOT_SCORED or before is None:
                raise PoisonMessage(
                    "not_reviewable", f"prospect {pid} has no scoring outcome in campaign {cid}"
                )
            if action is Review.ALREADY_DECIDED:
                logger.info("review ignored: prospect already %s", before.status.value)
                metrics.DUPLICATES.labels(envelope.event_type, "stage").inc()
                return None
            created = None
            if action is Review.REJECT:
                after = funnel.rejected(before)
            else:
                score = await stages.load_score(conn, cid, pid)
                created = await self._create_lead(
                    conn, envelope, cid, pid, score, LeadSource.REVIEW
                )
                after = funnel.with_lead(before, created=created is not None)
            await stages.save(conn, cid, pid, before, after)
            await self._count(conn, envelope, cid, before, after)
            return created

        await self._once(envelope, effect)

    async def prospect_update(self, envelope: Envelope[UpdateProspect]) -> None:
        """Apply a user's edit: set the fields and mark them edited (enrichment never
        overwrites a marked field), set the assignee; the person's lead follows (contact
        fields, assignee, lead status). An erased prospect takes no edit."""
        command = envelope.payload
        pid = command.prospect_id
        try:
            edit = edits.edit_of(command)
        except edits.InvalidEdit as exc:
            raise PoisonMessage("contract_violation", str(exc)) from exc

        async def effect(conn: AsyncConnection) -> None:
            row = await prospects.lock_for_edit(conn, self.cipher, pid)
            if row is None:
                raise PoisonMessage("unknown_prospect", f"no prospect {pid}")
            if row.team_id != envelope.team_id:
                raise PoisonMessage("contract_violation", "the prospect belongs to another team")
            if row.erased_at is not None:
                logger.info("edit ignored: the prospect was erased")
                return
            values: dict[str, Any] = {
                **edit.columns,
                "edited_fields": edits.marks_after(row.edited_fields, edit),
            }
            if edit.contact:
                values["contact_info"] = edits.contact_after(row.contact_info, edit)
            if edit.assign:
                values["assignee"] = edit.assignee
            await prospects.save_edit(conn, self.cipher, pid, row.team_id, values)
            if edit.touches_lead:
                await self._lead_follows(conn, pid, edit)

        await self._once(envelope, effect)

    # ------------------------------------------------------------------ shared steps
    async def _refused(
        self, conn: AsyncConnection, envelope: Envelope[Any], profile: ProspectProfile
    ) -> bool:
        """Whether the event may not store its person; if so, the person is erased (or
        gets an empty erased row) instead."""
        if envelope.payload.prospect_id not in _REFUSED.get():
            return False
        tally = _TALLY.get()
        assert tally is not None, "effects run inside Projector._transaction"
        for campaign_id in await self.privacy.refuse(conn, envelope, profile):
            # nothing to count: the tally checks their completion with the others'
            tally.add(
                campaign_id,
                envelope.team_id,
                funnel.Counters(),
                cost=Decimal(0),
                options=None,
                discovered_on=None,
            )
        return True

    async def _lead_follows(
        self, conn: AsyncConnection, prospect_id: uuid.UUID, edit: edits.Edit
    ) -> None:
        lead = await leads.lock_of_prospect(conn, self.cipher, prospect_id)
        if lead is None:
            if edit.lead_status is not None:
                raise PoisonMessage("no_lead", f"prospect {prospect_id} is not a lead")
            return
        values: dict[str, Any] = {}
        if edit.contact:
            values["contact_info"] = edits.contact_after(lead.contact_info, edit)
        if edit.assign:
            values["assignee"] = edit.assignee
        if edit.lead_status is not None:
            values["status"] = edit.lead_status
        await leads.save(conn, self.cipher, lead, values)

    async def _lock_stage(
        self,
        conn: AsyncConnection,
        envelope: Envelope[Any],
        campaign_id: uuid.UUID,
        profile: ProspectProfile,
    ) -> Stage:
        return await stages.lock(
            conn,
            campaign_id=campaign_id,
            prospect_id=envelope.payload.prospect_id,
            team_id=envelope.team_id,
            platform=profile.platform.value,
        )

    async def _count(
        self,
        conn: AsyncConnection,
        envelope: Envelope[Any],
        campaign_id: uuid.UUID,
        before: Stage,
        after: Stage,
        *,
        options: CampaignOptions | None = None,
        platform: str | None = None,
        cost: Decimal = Decimal(0),
    ) -> None:
        """Move the campaign's counters by what this prospect's change adds; the
        transaction adds them (and checks completion, under the campaign_progress row
        lock) once per campaign when its effects are done."""
        if after == before:
            metrics.DUPLICATES.labels(envelope.event_type, "stage").inc()
        tally = _TALLY.get()
        assert tally is not None, "effects run inside Projector._transaction"
        tally.add(
            campaign_id,
            envelope.team_id,
            funnel.delta(before, after),
            cost=cost,
            options=options,
            discovered_on=platform if after.discovered and not before.discovered else None,
        )

    async def _create_lead(
        self,
        conn: AsyncConnection,
        envelope: Envelope[Any],
        campaign_id: uuid.UUID,
        prospect_id: uuid.UUID,
        score: ScoreRecord,
        source: LeadSource,
    ) -> LeadSource | None:
        """The lead row and its lead.created outbox row, in the caller's transaction;
        None if the person already is a lead (no second lead, ever)."""
        prospect = await prospects.load(conn, self.cipher, prospect_id)
        try:
            lead = lead_created(
                prospect, score, campaign_id=campaign_id, source=source, created_at=utcnow()
            )
        except LeadNotBuildable as exc:
            raise PoisonMessage("lead_not_buildable", str(exc)) from exc
        if not await leads.insert_once(conn, self.cipher, lead_row(lead, prospect)):
            return None
        event = envelope_for(
            lead,
            team_id=envelope.team_id,
            correlation_id=envelope.correlation_id,
            causation=envelope,
        )
        await outbox.add(conn, event)
        return source

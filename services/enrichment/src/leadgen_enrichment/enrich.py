"""The enrichment stage for one prospect: decide, run the waterfall, build the event.

Per operation the waterfall picks: the team's cache first (free, logged ``cached``), then a
budget reservation (none left: no call, ``enrichment_skipped='budget'`` unless the
required fields got filled anyway), then the provider itself (through the shared limiter).

A person their team's suppression list names is withheld: no call, nothing about them in
the published event (``domain.suppressed``).

A user's explicit ask (:class:`Ask`, on-demand enrichment) skips the campaign's gates
(autoEnrich, a company domain, the pre-score) and may name the providers and leave the
email unverified; a cancelled campaign and a spent budget still stop paid calls.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from leadgen_common.contracts.events import (
    Enrichment,
    ProspectDiscovered,
    ProspectEnriched,
    ProviderCall,
)
from leadgen_common.suppression import SUPPRESSED, profile_entries

from . import metrics
from .domain.findings import Finding, fold
from .domain.outcome import outcome
from .domain.plan import CAMPAIGN_CANCELLED, Skip, plan
from .domain.prescore import prescore
from .domain.suppressed import withheld
from .domain.waterfall import STEPS, Known, Needs, Step, missing, next_step
from .ports import Budget, CampaignState, Lookup, Operation, ResultCache, Suppressions

BUDGET = "budget"
LOW_PRESCORE = "low_prescore"
CACHED = "cached"
SUCCESS = "success"
#: The step that only verifies an email (left out when the user asks not to validate).
EMAIL_VERIFIER = "hunter:email_verifier"
EMAIL_STATUS = "email_status"


@dataclass(frozen=True)
class Ask:
    """A user's explicit request for one prospect (POST /enrichment/...)."""

    providers: Sequence[str] = ()
    """Providers to ask, in this order; empty: the team's waterfall order."""
    validate_email: bool = True
    """False: no verification call, and an email needs no status to count as filled."""


@dataclass(frozen=True)
class WaterfallConfig:
    order_for: Callable[[str], Sequence[str]]
    """Provider order of a team (ENRICHMENT_WATERFALL, or the team's override)."""
    required: Sequence[str]
    prices: Mapping[str, Decimal]
    """Expected price per ``provider:operation``: what a call reserves from the budgets."""
    min_prescore: float = 0.5


@dataclass
class _Run:
    team_id: str
    campaign_id: uuid.UUID
    prospect_id: uuid.UUID
    enrichment: Enrichment
    order: Sequence[str]
    required: Sequence[str]
    calls: list[ProviderCall] = field(default_factory=list)
    tried: set[str] = field(default_factory=set)
    budget_denied: bool = False


@dataclass(frozen=True)
class Enricher:
    operations: Mapping[str, Operation]
    """``provider:operation`` -> the adapter call."""
    campaigns: CampaignState
    cache: ResultCache
    budget: Budget
    config: WaterfallConfig
    suppressions: Suppressions | None = None
    """The teams' suppression lists; None: nobody is suppressed (benchmarks, tests)."""

    async def enrich(
        self,
        discovered: ProspectDiscovered,
        team_id: uuid.UUID | str,
        keep: Enrichment | None = None,
        ask: Ask | None = None,
    ) -> ProspectEnriched:
        """``keep``: fields already known (a user's edits), never asked for or replaced;
        ``ask``: an explicit request instead of the campaign flow's gates.

        A person their team's suppression list names is withheld (nothing about them is
        published): checked before any call, and again after the waterfall, when an email
        may have been found and the list may have grown (an erasure meanwhile); then what
        the waterfall cached about the person is deleted too."""
        keep = keep or Enrichment()
        if await self._suppressed(discovered, team_id, keep):
            _count_leaving(SUPPRESSED, [], keep, keep)
            return withheld(discovered)
        skipped = self._gate(discovered) if ask is None else None
        if skipped is None and await self.campaigns.is_cancelled(discovered.campaign_id):
            skipped = CAMPAIGN_CANCELLED
        run = self._run_for(str(team_id), discovered, keep, ask)
        if skipped is None:
            started = time.perf_counter()
            await self._waterfall(discovered, run)
            metrics.DURATION.observe(time.perf_counter() - started)
            if await self._suppressed(discovered, team_id, run.enrichment):
                await self.cache.forget(run.team_id, discovered.prospect_id)
                _count_leaving(SUPPRESSED, run.calls, keep, run.enrichment)
                return withheld(discovered, run.calls)
            if run.budget_denied and missing(run.required, run.enrichment):
                skipped = BUDGET
        _count_leaving(skipped, run.calls, keep, run.enrichment)
        return ProspectEnriched(
            prospect_id=discovered.prospect_id,
            campaign_id=discovered.campaign_id,
            profile=discovered.profile,
            options=discovered.options,
            enrichment=run.enrichment,
            enrichment_skipped=skipped,
            provider_calls=run.calls,
        )

    async def _suppressed(
        self, discovered: ProspectDiscovered, team_id: uuid.UUID | str, known: Enrichment
    ) -> bool:
        if self.suppressions is None:
            return False
        entries = profile_entries(discovered.profile, [known.email])
        person = {discovered.prospect_id: (uuid.UUID(str(team_id)), entries)}
        return bool(await self.suppressions.suppressed(person))

    def _gate(self, discovered: ProspectDiscovered) -> str | None:
        """The campaign flow's reason not to pay for this prospect, if any."""
        decision = plan(discovered)
        if isinstance(decision, Skip):
            return decision.reason
        if prescore(discovered) < self.config.min_prescore:
            return LOW_PRESCORE
        return None

    def _run_for(
        self, team_id: str, discovered: ProspectDiscovered, keep: Enrichment, ask: Ask | None
    ) -> _Run:
        order: Sequence[str] = self.config.order_for(team_id)
        required: Sequence[str] = self.config.required
        unavailable = {s.key for steps in STEPS.values() for s in steps} - set(self.operations)
        if ask is not None:
            if ask.providers:
                order = [p for p in dict.fromkeys(ask.providers) if p in STEPS]
            if not ask.validate_email:
                required = [f for f in required if f != EMAIL_STATUS]
                unavailable.add(EMAIL_VERIFIER)
        run = _Run(
            team_id,
            discovered.campaign_id,
            discovered.prospect_id,
            keep,
            order=order,
            required=required,
        )
        run.tried |= unavailable
        return run

    async def _waterfall(self, discovered: ProspectDiscovered, run: _Run) -> None:
        while True:
            known = Known.of(discovered.profile, run.enrichment)
            step = next_step(run.order, run.required, run.enrichment, known, run.tried)
            if step is None:
                return
            run.tried.add(step.key)
            finding = await self._answer(step, known, run)
            if finding is not None:
                run.enrichment = fold([finding], keep=run.enrichment)

    async def _answer(self, step: Step, known: Known, run: _Run) -> Finding | None:
        subject = known.subject(step.needs)
        assert subject is not None  # next_step only returns runnable steps
        if step.needs is not Needs.DOMAIN:  # about the person: erasure must find it
            await self.cache.remember(run.team_id, run.prospect_id, step.key, subject)
        started = time.perf_counter()
        cached = await self.cache.get(run.team_id, step.key, subject)
        if cached is not False:
            latency = (time.perf_counter() - started) * 1000
            self._record(run, ProviderCall(
                provider=step.provider, operation=step.operation, status=CACHED,
                cost=Decimal(0), latency_ms=round(latency, 3),
            ))  # fmt: skip
            return cached  # type: ignore[return-value]
        price = self.config.prices.get(step.key, Decimal(0))
        if not await self.budget.reserve(run.team_id, run.campaign_id, price):
            run.budget_denied = True
            return None
        lookup: Lookup = await self.operations[step.key](known)
        await self.budget.settle(run.team_id, run.campaign_id, price, lookup.call.cost)
        self._record(run, lookup.call)
        if lookup.call.status == SUCCESS:
            await self.cache.put(run.team_id, step.key, subject, lookup.finding)
        return lookup.finding

    @staticmethod
    def _record(run: _Run, call: ProviderCall) -> None:
        run.calls.append(call)
        metrics.PROVIDER_CALLS.labels(call.provider, call.operation, call.status).inc()
        metrics.PROVIDER_COST.labels(call.provider, call.operation).inc(float(call.cost))
        metrics.PROVIDER_SECONDS.labels(call.provider, call.operation).observe(
            call.latency_ms / 1000
        )


def _count_leaving(
    skipped: str | None, calls: Sequence[ProviderCall], before: Enrichment, after: Enrichment
) -> None:
    """One prospect left the stage: its skip reason ('none') and its outcome."""
    metrics.PROSPECTS.labels(skipped or "none").inc()
    metrics.OUTCOMES_TOTAL.labels(outcome(skipped, calls, before, after)).inc()

"""The funnel state of one prospect in one campaign, how each event moves it, and what
that adds to the campaign's counters.

Each stage is counted once per (campaign, prospect): the ``counted_*`` flags live on the
campaign_prospects row, so a redelivered or re-published event finds its stage already
counted and changes nothing. Counter changes are always computed as the difference of
a row's contribution before and after, so campaign counters stay equal to the counts
recomputed from the rows, whatever order the events come in.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import StrEnum

from leadgen_common.contracts.events import ProspectStatus, ReviewDecision, ScoreOutcome

from .statuses import REVIEWABLE, advance, outcome_bucket


@dataclass(frozen=True)
class Stage:
    """What lead-writer knows of a prospect in a campaign (a campaign_prospects row)."""

    status: ProspectStatus = ProspectStatus.NEW
    discovered: bool = False  # prospect.discovered counted
    enriched: bool = False  # prospect.enriched counted
    scored: bool = False  # prospect.scored counted
    enrichment_skipped: str | None = None


@dataclass(frozen=True)
class Counters:
    """campaign_progress funnel counters, or a change to them."""

    discovered: int = 0
    enriched: int = 0
    enrichment_skipped: int = 0
    scored: int = 0
    qualified: int = 0
    review: int = 0
    rejected: int = 0
    converted: int = 0

    def __sub__(self, other: Counters) -> Counters:
        return Counters(**{f.name: getattr(self, f.name) - getattr(other, f.name) for f in _FIELDS})

    def __add__(self, other: Counters) -> Counters:
        return Counters(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in _FIELDS})

    def changes(self) -> dict[str, int]:
        """The non-zero entries, by counter (column) name."""
        return {f.name: getattr(self, f.name) for f in _FIELDS if getattr(self, f.name)}


_FIELDS = fields(Counters)


def contribution(stage: Stage) -> Counters:
    """What one prospect adds to its campaign's counters."""
    bucket = outcome_bucket(stage.status) if stage.scored else None
    return Counters(
        discovered=int(stage.discovered),
        enriched=int(stage.enriched),
        enrichment_skipped=int(stage.enriched and stage.enrichment_skipped is not None),
        scored=int(stage.scored),
        qualified=int(bucket is ScoreOutcome.QUALIFIED),
        review=int(bucket is ScoreOutcome.REVIEW),
        rejected=int(bucket is ScoreOutcome.REJECTED),
        converted=int(stage.status is ProspectStatus.CONVERTED),
    )


def delta(before: Stage, after: Stage) -> Counters:
    return contribution(after) - contribution(before)


def discovered(stage: Stage) -> Stage:
    return replace(stage, discovered=True)


def enriched(stage: Stage, skipped: str | None) -> Stage:
    if stage.enriched:
        return stage
    return replace(
        stage,
        enriched=True,
        enrichment_skipped=skipped,
        status=advance(stage.status, ProspectStatus.ENRICHED),
    )


def scored(stage: Stage, outcome: ScoreOutcome) -> Stage:
    if stage.scored:
        return stage
    return replace(stage, scored=True, status=advance(stage.status, ProspectStatus(outcome)))


def erased(stage: Stage) -> Stage:
    """The person's data was erased, or may not be stored: terminal, no lead."""
    return replace(stage, status=advance(stage.status, ProspectStatus.ERASED))


def wants_auto_lead(before: Stage, after: Stage, *, auto_convert: bool) -> bool:
    """Scoring just qualified the prospect in an auto-converting campaign."""
    return (
        auto_convert
        and not before.scored
        and after.scored
        and after.status is ProspectStatus.QUALIFIED
    )


def with_lead(stage: Stage, *, created: bool) -> Stage:
    """After a lead was asked for: converted if this campaign created it; otherwise the
    person already is a lead (from another campaign) and stays qualified here, terminal."""
    status = ProspectStatus.CONVERTED if created else ProspectStatus.QUALIFIED
    return replace(stage, status=status)


class Review(StrEnum):
    """What a manual decision does to a prospect."""

    REJECT = "reject"  # apply: status rejected
    CONVERT = "convert"  # ask for a lead, then with_lead()
    ALREADY_DECIDED = "already_decided"  # converted, rejected or erased: nothing to do
    NOT_SCORED = "not_scored"  # no outcome yet: a decision cannot apply


def review(stage: Stage | None, decision: ReviewDecision) -> Review:
    if stage is None or not stage.scored:
        return Review.NOT_SCORED
    if stage.status not in REVIEWABLE:
        return Review.ALREADY_DECIDED
    return Review.CONVERT if decision is ReviewDecision.CONVERT else Review.REJECT


def rejected(stage: Stage) -> Stage:
    return replace(stage, status=ProspectStatus.REJECTED)

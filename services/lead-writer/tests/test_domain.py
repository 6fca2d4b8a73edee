"""The pure rules: status order, terminal states, the funnel counters, completion, the
campaign-level projections and the lead payload. No I/O."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime

import pytest
from leadgen_common.contracts import lead_id_for
from leadgen_common.contracts.events import (
    CampaignStatus,
    ControlAction,
    DiscoveryFinished,
    PlatformDiscovery,
    ProspectStatus,
    ReviewDecision,
    ScoreOutcome,
)
from leadgen_lead_writer.domain import campaign, funnel
from leadgen_lead_writer.domain.completion import (
    CampaignState,
    StatusCount,
    is_complete,
    may_complete,
    non_terminal,
)
from leadgen_lead_writer.domain.funnel import Counters, Review, Stage
from leadgen_lead_writer.domain.leads import (
    LeadNotBuildable,
    LeadSource,
    ProspectRecord,
    ScoreRecord,
    lead_created,
    lead_row,
)
from leadgen_lead_writer.domain.statuses import advance, is_terminal, outcome_bucket

P = ProspectStatus


# ---------------------------------------------------------------- statuses
@pytest.mark.parametrize(
    ("current", "target", "expected"),
    [
        (P.NEW, P.ENRICHED, P.ENRICHED),
        (P.ENRICHED, P.NEW, P.ENRICHED),
        (P.NEW, P.QUALIFIED, P.QUALIFIED),
        (P.QUALIFIED, P.ENRICHED, P.QUALIFIED),
        (P.REVIEW, P.QUALIFIED, P.REVIEW),  # one level: the outcome is decided once
        (P.CONVERTED, P.REJECTED, P.CONVERTED),
        (P.ERASED, P.CONVERTED, P.ERASED),
        (P.CONVERTED, P.ERASED, P.ERASED),
    ],
)
def test_statuses_only_move_forward(current, target, expected):
    assert advance(current, target) is expected


@pytest.mark.parametrize(
    ("status", "auto_convert", "already_lead", "terminal"),
    [
        (P.NEW, False, False, False),
        (P.ENRICHED, True, True, False),
        (P.REVIEW, True, False, True),
        (P.REJECTED, True, False, True),
        (P.CONVERTED, True, False, True),
        (P.ERASED, True, False, True),
        (P.QUALIFIED, False, False, True),
        (P.QUALIFIED, True, False, False),  # a lead is still to be made
        (P.QUALIFIED, True, True, True),  # the person already is a lead elsewhere
    ],
)
def test_terminal_states(status, auto_convert, already_lead, terminal):
    assert is_terminal(status, auto_convert=auto_convert, already_lead=already_lead) is terminal


def test_converted_counts_as_qualified_and_unscored_statuses_as_no_outcome():
    assert outcome_bucket(P.CONVERTED) is ScoreOutcome.QUALIFIED
    assert outcome_bucket(P.REVIEW) is ScoreOutcome.REVIEW
    assert outcome_bucket(P.ENRICHED) is None


# ---------------------------------------------------------------- funnel
def _apply(stage: Stage, step: str) -> Stage:
    if step == "discovered":
        return funnel.discovered(stage)
    if step == "enriched":
        return funnel.enriched(stage, "budget")
    return funnel.scored(stage, ScoreOutcome.REVIEW)


@pytest.mark.parametrize(
    "order", list(itertools.permutations(["discovered", "enriched", "scored"]))
)
def test_any_order_and_any_repetition_count_each_stage_once(order):
    stage, total = Stage(), Counters()
    for step in [*order, *order]:  # every event twice (re-published duplicates)
        after = _apply(stage, step)
        total, stage = total + funnel.delta(stage, after), after
    assert stage == Stage(
        status=P.REVIEW, discovered=True, enriched=True, scored=True, enrichment_skipped="budget"
    )
    assert total == Counters(discovered=1, enriched=1, enrichment_skipped=1, scored=1, review=1)


def test_enrichment_after_scoring_keeps_the_outcome():
    stage = funnel.enriched(funnel.scored(Stage(), ScoreOutcome.QUALIFIED), None)
    assert stage.status is P.QUALIFIED and stage.enriched


def test_auto_lead_only_when_scoring_just_qualified_an_auto_converting_prospect():
    before = Stage(discovered=True)
    qualified = funnel.scored(before, ScoreOutcome.QUALIFIED)
    assert funnel.wants_auto_lead(before, qualified, auto_convert=True)
    assert not funnel.wants_auto_lead(before, qualified, auto_convert=False)
    assert not funnel.wants_auto_lead(qualified, qualified, auto_convert=True)  # duplicate
    review = funnel.scored(before, ScoreOutcome.REVIEW)
    assert not funnel.wants_auto_lead(before, review, auto_convert=True)


def test_lead_outcome_moves_counters_consistently():
    qualified = funnel.scored(Stage(discovered=True), ScoreOutcome.QUALIFIED)
    converted = funnel.with_lead(qualified, created=True)
    assert funnel.delta(qualified, converted) == Counters(converted=1)
    review = funnel.scored(Stage(), ScoreOutcome.REVIEW)
    # A person converts a review prospect: counted as qualified from now on.
    assert funnel.delta(review, funnel.with_lead(review, created=True)) == Counters(
        review=-1, qualified=1, converted=1
    )
    # ...who already is a lead from another campaign: qualified, no conversion here.
    assert funnel.delta(review, funnel.with_lead(review, created=False)) == Counters(
        review=-1, qualified=1
    )
    assert funnel.delta(review, funnel.rejected(review)) == Counters(review=-1, rejected=1)


@pytest.mark.parametrize(
    ("stage", "decision", "expected"),
    [
        (None, ReviewDecision.CONVERT, Review.NOT_SCORED),
        (Stage(status=P.ENRICHED, enriched=True), ReviewDecision.REJECT, Review.NOT_SCORED),
        (Stage(status=P.REVIEW, scored=True), ReviewDecision.CONVERT, Review.CONVERT),
        (Stage(status=P.QUALIFIED, scored=True), ReviewDecision.REJECT, Review.REJECT),
        (Stage(status=P.CONVERTED, scored=True), ReviewDecision.REJECT, Review.ALREADY_DECIDED),
        (Stage(status=P.REJECTED, scored=True), ReviewDecision.CONVERT, Review.ALREADY_DECIDED),
    ],
)
def test_review_applies_only_to_scored_undecided_prospects(stage, decision, expected):
    assert funnel.review(stage, decision) is expected


def test_counter_changes_list_only_what_moved():
    assert Counters(review=-1, rejected=1).changes() == {"review": -1, "rejected": 1}
    assert Counters().changes() == {}


# ---------------------------------------------------------------- completion
def _state(**overrides) -> CampaignState:
    values = dict(
        status=CampaignStatus.RUNNING,
        discovery_finished=True,
        discovered=3,
        enriched=3,
        scored=3,
        expected_discovered=3,
        auto_convert=True,
    )
    return CampaignState(**(values | overrides))


DONE = [StatusCount(P.CONVERTED, 1), StatusCount(P.REVIEW, 1), StatusCount(P.REJECTED, 1)]


def test_complete_when_every_condition_holds():
    assert is_complete(_state(), DONE, unpublished_outbox=False)


@pytest.mark.parametrize(
    ("state", "counts", "unpublished"),
    [
        (_state(discovery_finished=False), DONE, False),
        (_state(status=CampaignStatus.PAUSED), DONE, False),
        (_state(status=CampaignStatus.CANCELLED), DONE, False),
        (_state(status=CampaignStatus.COMPLETED), DONE, False),  # completes only once
        (_state(discovered=2, expected_discovered=3), DONE[:2], False),  # one still in flight
        (_state(), DONE, True),  # a lead.created still in the outbox
        (_state(enriched=2), DONE, False),  # scored before its prospect.enriched arrived
        (_state(scored=2), DONE, False),
        (_state(), [*DONE[:2], StatusCount(P.ENRICHED, 1)], False),
        (_state(), [*DONE[:2], StatusCount(P.QUALIFIED, 1)], False),  # its lead is owed
        (_state(discovered=3), [*DONE, StatusCount(P.NEW, 1)], False),  # seen, not discovered
    ],
)
def test_not_complete_when_any_condition_fails(state, counts, unpublished):
    assert not is_complete(state, counts, unpublished_outbox=unpublished)


def test_qualified_is_terminal_for_persons_already_leads_or_without_auto_convert():
    counts = [StatusCount(P.QUALIFIED, 5, already_leads=2), StatusCount(P.NEW, 1)]
    assert non_terminal(counts, auto_convert=True) == 4
    assert non_terminal(counts, auto_convert=False) == 1


def test_unknown_expected_total_does_not_block():
    assert may_complete(_state(discovered=0, expected_discovered=None))


# ---------------------------------------------------------------- campaign projections
@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        (CampaignStatus.RUNNING, ControlAction.PAUSE, CampaignStatus.PAUSED),
        (CampaignStatus.PAUSED, ControlAction.RESUME, CampaignStatus.RUNNING),
        (CampaignStatus.PAUSED, ControlAction.CANCEL, CampaignStatus.CANCELLED),
        (CampaignStatus.CANCELLED, ControlAction.RESUME, CampaignStatus.CANCELLED),
        (CampaignStatus.COMPLETED, ControlAction.PAUSE, CampaignStatus.COMPLETED),
        (CampaignStatus.FAILED, ControlAction.RESUME, CampaignStatus.FAILED),
    ],
)
def test_control_transitions(status, action, expected):
    assert campaign.after_control(status, action) is expected


def _finished(reason: str) -> DiscoveryFinished:
    return DiscoveryFinished(
        campaign_id=uuid.uuid4(),
        total_discovered=4,
        platforms={
            "linkedin": PlatformDiscovery(discovered=4, warnings=["a", "b"]),
            "twitter": PlatformDiscovery(discovered=0, warnings=["b"], failure_reason="HTTP 500"),
        },
        reason=reason,
    )


def test_discovery_outcome_merges_into_the_platform_counts():
    platforms = {"linkedin": {"discovered": 2}}  # what lead-writer counted itself
    merged = campaign.with_discovery_outcome(platforms, _finished("exhausted"))
    assert merged["linkedin"]["discovered"] == 2  # lead-writer's own count stays
    assert merged["linkedin"]["reported_discovered"] == 4
    assert merged["twitter"] == {
        "discovered": 0,
        "criteria": {},
        "warnings": ["b"],
        "failure_reason": "HTTP 500",
        "reported_discovered": 0,
    }
    assert campaign.warnings(_finished("exhausted")) == ["a", "b"]


def test_only_a_failed_discovery_fails_the_campaign():
    assert campaign.failure_reason(_finished("exhausted")) is None
    assert campaign.failure_reason(_finished("failed")) == "twitter: HTTP 500"
    running = CampaignStatus.RUNNING
    assert campaign.after_discovery(running, _finished("failed")) is CampaignStatus.FAILED
    assert campaign.after_discovery(running, _finished("exhausted")) is running
    cancelled = CampaignStatus.CANCELLED
    assert campaign.after_discovery(cancelled, _finished("failed")) is cancelled
    completed = CampaignStatus.COMPLETED
    assert campaign.after_discovery(completed, _finished("cancelled")) is completed


@pytest.mark.parametrize("status", [CampaignStatus.RUNNING, CampaignStatus.PAUSED])
def test_a_finish_on_cancel_cancels_even_before_our_copy_of_the_cancel(status):
    assert campaign.after_discovery(status, _finished("cancelled")) is CampaignStatus.CANCELLED


# ---------------------------------------------------------------- leads
BREAKDOWN = {
    dim: {"score": 0.8, "reasons": [f"{dim} fits"]}
    for dim in ("demographics", "firmographics", "psychographics", "activity")
}


def _prospect(**overrides) -> ProspectRecord:
    values = dict(
        id=uuid.uuid4(),
        team_id=uuid.uuid4(),
        platform="linkedin",
        profile_url="https://linkedin.example/in/ann",
        name="Ann",
        title="CTO",
        contact_info={"email": "ann@acme.example", "email_status": None},
        enrichment_data={"company": {"name": "Acme", "employees": 50}},
    )
    return ProspectRecord(**(values | overrides))


def test_lead_payload_and_row_carry_scores_reasons_and_contact():
    prospect, campaign_id = _prospect(), uuid.uuid4()
    at = datetime(2026, 1, 1, tzinfo=UTC)
    lead = lead_created(
        prospect,
        ScoreRecord(0.81, 0.6, BREAKDOWN),
        campaign_id=campaign_id,
        source=LeadSource.REVIEW,
        created_at=at,
    )
    assert lead.lead_id == lead_id_for(prospect.id)
    assert (lead.email, lead.source, lead.title) == ("ann@acme.example", "review", "CTO")
    assert lead.breakdown.activity.reasons == ["activity fits"]
    row = lead_row(lead, prospect)
    assert row["id"] == lead.lead_id and row["team_id"] == prospect.team_id
    assert row["contact_info"] == {"email": "ann@acme.example"}
    assert row["company_info"] == {"name": "Acme", "employees": 50}
    assert row["social_profiles"] == {"linkedin": "https://linkedin.example/in/ann"}


def test_an_erased_prospect_cannot_become_a_lead():
    with pytest.raises(LeadNotBuildable):
        lead_created(
            _prospect(name=None, profile_url=None),
            ScoreRecord(0.9, 0.9, BREAKDOWN),
            campaign_id=uuid.uuid4(),
            source=LeadSource.AUTO,
            created_at=datetime.now(UTC),
        )

"""The explainable ICP match end to end in the domain: the sample ICP against prospects
that fit, nearly fit and do not fit; empty ICP sections; options; weights; similarity."""

from __future__ import annotations

import pytest
from leadgen_common.contracts import CampaignOptions, Enrichment, Icp, ScoreOutcome
from leadgen_scoring.domain import Dimension, Scorer, Thresholds, Weights, route
from leadgen_scoring.domain.rules import NEUTRAL, Rule

DIMENSIONS = ("demographics", "firmographics", "psychographics", "activity")
OPTIONS = CampaignOptions()


@pytest.mark.parametrize(
    ("name", "outcome", "low", "high"),
    [
        ("perfect", ScoreOutcome.QUALIFIED, 0.9, 1.0),
        ("partial", ScoreOutcome.REVIEW, 0.6, 0.75),
        ("unrelated", ScoreOutcome.REJECTED, 0.0, 0.3),
    ],
)
def test_sample_icp_routes_prospects_by_fit(sample_icp, prospects, name, outcome, low, high):
    result = Scorer().score(sample_icp, *prospects[name], OPTIONS)
    assert result.outcome is outcome
    assert low <= result.icp_match_score <= high
    for dimension in DIMENSIONS:
        assert getattr(result.breakdown, dimension).reasons, dimension


def test_a_perfect_match_says_why_in_every_dimension(sample_icp, prospects):
    breakdown = Scorer().score(sample_icp, *prospects["perfect"], OPTIONS).breakdown
    assert breakdown.demographics.reasons[:2] == [
        "title 'VP of Engineering' matches ICP 'VP Engineering'",
        "location 'San Francisco, California, United States' is in ICP 'United States'",
    ]
    assert breakdown.firmographics.reasons[:2] == [
        "industry 'SaaS' matches ICP 'SaaS'",
        "company size 180 employees is within ICP sizes '51-200, 201-500, 501-1000'",
    ]
    [themes] = breakdown.psychographics.reasons
    assert "pain point 'DevOps automation' (devops, automation)" in themes
    assert breakdown.activity.reasons == [
        "last active 1 day ago",
        "12 posts in the last 30 days",
        "4,200 followers",
    ]
    assert all(getattr(breakdown, d).score >= 0.95 for d in DIMENSIONS)


def test_a_partial_match_explains_each_shortfall(sample_icp, prospects):
    breakdown = Scorer().score(sample_icp, *prospects["partial"], OPTIONS).breakdown
    assert breakdown.demographics.reasons[0] == (
        "title 'Engineering Manager' is close to ICP 'Director of Engineering' "
        "(same function, manager vs director) (a must-have: cannot qualify)"
    )
    assert breakdown.firmographics.reasons[:2] == [
        "industry 'IT Services' is in the same sector as ICP 'Software' "
        "(a must-have: cannot qualify)",
        "company size 1,400 employees is near ICP sizes '51-200, 201-500, 501-1000' "
        "(a must-have: cannot qualify)",
    ]


def test_the_total_is_the_weighted_sum_of_the_shown_dimensions(sample_icp, prospects):
    result = Scorer().score(sample_icp, *prospects["partial"], OPTIONS)
    b = result.breakdown
    expected = (
        0.30 * b.demographics.score
        + 0.25 * b.firmographics.score
        + 0.25 * b.psychographics.score
        + 0.20 * b.activity.score
    )
    assert result.icp_match_score == round(expected, 4)


def test_scores_are_rounded_to_four_decimals_and_deterministic(sample_icp, prospects):
    first = Scorer().score(sample_icp, *prospects["partial"], OPTIONS)
    again = Scorer().score(sample_icp, *prospects["partial"], OPTIONS)
    assert first == again
    numbers = [first.icp_match_score, first.quality_score]
    numbers += [getattr(first.breakdown, d).score for d in DIMENSIONS]
    assert all(n == round(n, 4) for n in numbers)


@pytest.mark.parametrize(
    ("min_match_score", "outcome"),
    [(0.75, ScoreOutcome.QUALIFIED), (0.99, ScoreOutcome.QUALIFIED), (1.0, ScoreOutcome.REVIEW)],
)
def test_min_match_score_raises_the_bar(sample_icp, prospects, min_match_score, outcome):
    options = CampaignOptions(min_match_score=min_match_score)
    result = Scorer().score(sample_icp, *prospects["perfect"], options)
    assert 0.99 <= result.icp_match_score < 1.0
    assert result.outcome is outcome


@pytest.mark.parametrize(
    ("score", "minimum", "outcome"),
    [
        (0.75, 0.0, ScoreOutcome.QUALIFIED),  # a campaign bar below 0.75 never lowers it
        (0.7499, 0.5, ScoreOutcome.REVIEW),
        (0.60, 0.75, ScoreOutcome.REVIEW),
        (0.5999, 0.75, ScoreOutcome.REJECTED),
        (0.85, 0.9, ScoreOutcome.REVIEW),
        (0.9, 0.9, ScoreOutcome.QUALIFIED),
        (0.0, 0.75, ScoreOutcome.REJECTED),
    ],
)
def test_routing_bars(score, minimum, outcome):
    assert route(score, Thresholds(), minimum) is outcome


def test_thresholds_are_settings(sample_icp, prospects):
    # The campaign's bar is max(qualify, minMatchScore): an open campaign leaves it be.
    open_campaign = CampaignOptions(min_match_score=0.0)
    partial, perfect = prospects["partial"], prospects["perfect"]
    score = Scorer().score(sample_icp, *perfect, open_campaign).icp_match_score
    at_score = Scorer(thresholds=Thresholds(qualify=score, review=0.5))
    above = Scorer(thresholds=Thresholds(qualify=round(score + 0.0001, 4), review=0.5))
    assert at_score.score(sample_icp, *perfect, open_campaign).outcome is ScoreOutcome.QUALIFIED
    assert above.score(sample_icp, *perfect, open_campaign).outcome is ScoreOutcome.REVIEW
    strict = Scorer(thresholds=Thresholds(qualify=0.9, review=0.8))
    assert strict.score(sample_icp, *partial, OPTIONS).outcome is ScoreOutcome.REJECTED
    # Must-haves hold whatever the bar: the partial prospect misses some, so even a
    # lenient bar it clears sends it to review only.
    lenient = Scorer(thresholds=Thresholds(qualify=0.6, review=0.5))
    result = lenient.score(sample_icp, *partial, open_campaign)
    assert (result.outcome, result.icp_match_score) == (ScoreOutcome.REVIEW, 0.5999)


def test_thresholds_must_be_ordered():
    with pytest.raises(ValueError, match="review"):
        Thresholds(qualify=0.6, review=0.7)


@pytest.mark.parametrize(
    "values",
    [(0.3, 0.3, 0.3, 0.3), (0.5, 0.5, 0.0, -0.0001), (0.25, 0.25, 0.25, 0.2)],
)
def test_weights_must_sum_to_one(values):
    with pytest.raises(ValueError, match="sum to 1"):
        Weights(*values)


def test_default_weights_are_the_spec_weights():
    assert Weights() == Weights(
        demographics=0.30, firmographics=0.25, psychographics=0.25, activity=0.20
    )


def test_other_weights_change_the_total_not_the_breakdown(sample_icp, prospects):
    heavy_activity = Weights(demographics=0.1, firmographics=0.1, psychographics=0.1, activity=0.7)
    default = Scorer().score(sample_icp, *prospects["partial"], OPTIONS)
    tilted = Scorer(heavy_activity).score(sample_icp, *prospects["partial"], OPTIONS)
    assert tilted.breakdown == default.breakdown
    assert tilted.icp_match_score != default.icp_match_score


@pytest.mark.parametrize(
    ("section", "says"),
    [
        ("demographics", "ICP sets no job titles or locations: neutral"),
        ("firmographics", "ICP sets no industries, company sizes or geography: neutral"),
        ("psychographics", "ICP sets no pain points, goals, motivations or values: neutral"),
    ],
)
def test_an_empty_icp_section_is_neutral_and_says_so(sample_icp, prospects, section, says):
    empty = type(getattr(sample_icp, section))()
    icp = sample_icp.model_copy(update={section: empty})
    scored = getattr(Scorer().score(icp, *prospects["perfect"], OPTIONS).breakdown, section)
    assert scored.score == NEUTRAL
    assert says in scored.reasons


@pytest.mark.parametrize("name", ["perfect", "partial", "unrelated", "empty", "garbled"])
def test_an_icp_with_only_a_name_never_crashes(prospects, make_profile, name):
    extra = {
        "empty": (make_profile(), Enrichment()),
        "garbled": (
            make_profile(title=" ", location="", summary="", activity={"posts_last_30d": "?"}),
            Enrichment(),
        ),
    }
    result = Scorer().score(Icp(name="Anyone"), *{**prospects, **extra}[name], OPTIONS)
    for dimension in ("demographics", "firmographics", "psychographics"):
        assert getattr(result.breakdown, dimension).score == NEUTRAL
    assert result.breakdown.activity.reasons
    assert result.outcome is not ScoreOutcome.QUALIFIED


def test_a_prospect_with_no_data_gets_a_low_confidence_explained_score(sample_icp, make_profile):
    result = Scorer().score(sample_icp, make_profile(), Enrichment(), OPTIONS)
    b = result.breakdown
    assert result.outcome is ScoreOutcome.REJECTED
    assert result.quality_score < 0.2
    assert {"no job title known", "no location known"} <= set(b.demographics.reasons)
    assert {"no industry known", "no company size known"} <= set(b.firmographics.reasons)
    assert b.psychographics.reasons == ["no headline, summary or skills to compare"]
    assert b.activity.reasons == ["no activity data"]


def test_quality_is_about_the_data_not_the_fit(sample_icp, prospects, make_profile):
    """A complete, fresh, verified non-fit is better data than a bare perfect-title fit."""
    scorer = Scorer()
    unrelated, company = prospects["unrelated"]
    bare_fit = scorer.score(
        sample_icp, make_profile(title="CTO", location="Austin, Texas, USA"), Enrichment(), OPTIONS
    )
    stale = scorer.score(sample_icp, unrelated, company, OPTIONS)
    fresh = scorer.score(
        sample_icp,
        unrelated.model_copy(update={"activity": {"last_active_days": 2}}),
        company.model_copy(update={"email": "x@freshgoods.de", "email_status": "valid"}),
        OPTIONS,
    )
    assert bare_fit.icp_match_score > stale.icp_match_score
    assert fresh.quality_score > stale.quality_score > bare_fit.quality_score


def test_a_better_verified_email_means_better_quality(prospects, make_enrichment):
    perfect, _ = prospects["perfect"]

    def quality(status: str | None) -> float:
        company = make_enrichment(status, industry="SaaS")
        return Scorer().score(Icp(name="x"), perfect, company, OPTIONS).quality_score

    ladder = [quality(s) for s in ("valid", "accept_all", "webmail", "unknown", "invalid")]
    assert ladder == sorted(ladder, reverse=True) and len(set(ladder)) == len(ladder)
    assert quality("invalid") == quality(None)  # an invalid address is as good as none


class FixedSimilarity:
    """A similarity that speaks for one dimension only."""

    def __init__(self, dimension: Dimension, rule: Rule) -> None:
        self.dimension, self.fixed = dimension, rule

    def rule(self, dimension: Dimension) -> Rule | None:
        return self.fixed if dimension is self.dimension else None


def test_a_similarity_rule_blends_into_its_dimension_only(sample_icp, prospects):
    plain = Scorer().score(sample_icp, *prospects["partial"], OPTIONS)
    similar = FixedSimilarity(
        Dimension.PSYCHOGRAPHICS, Rule(1.0, 1.0, "profile text is semantically close (0.91)")
    )
    blended = Scorer().score(sample_icp, *prospects["partial"], OPTIONS, similar)
    assert blended.breakdown.psychographics.score > plain.breakdown.psychographics.score
    assert "profile text is semantically close (0.91)" in blended.breakdown.psychographics.reasons
    for dimension in ("demographics", "firmographics", "activity"):
        assert getattr(blended.breakdown, dimension) == getattr(plain.breakdown, dimension)

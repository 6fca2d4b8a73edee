"""Cosine similarities become one calibrated, explained rule per dimension."""

from __future__ import annotations

import pytest
from leadgen_common.contracts import CampaignOptions
from leadgen_scoring.domain import Dimension, Scorer
from leadgen_scoring.domain.similarity import (
    MINILM_CALIBRATION,
    SEMANTIC_WEIGHTS,
    Calibration,
    SemanticMatch,
)


@pytest.mark.parametrize(
    ("cosine", "credit"), [(-0.2, 0.0), (0.40, 0.0), (0.45, 0.25), (0.55, 0.75), (0.9, 1.0)]
)
def test_the_calibration_ramp_is_linear_between_its_ends(cosine, credit):
    assert Calibration(0.40, 0.60).credit(cosine) == pytest.approx(credit)


@pytest.mark.parametrize(("low", "high"), [(0.5, 0.5), (0.6, 0.4), (-1.5, 0.2), (0.1, 1.2)])
def test_a_calibration_needs_low_below_high_within_cosine_range(low, high):
    with pytest.raises(ValueError, match="low"):
        Calibration(low, high)


@pytest.mark.parametrize(
    ("dimension", "cosine", "reason"),
    [
        (Dimension.DEMOGRAPHICS, 0.71, "profile text is semantically close to the ICP (cos 0.71)"),
        (
            Dimension.PSYCHOGRAPHICS,
            0.36,
            "profile text is semantically somewhat close to the ICP's pain points and goals "
            "(cos 0.36)",
        ),
        (
            Dimension.ACTIVITY,
            0.1,
            "profile text is semantically far from the ICP's buying triggers and channels "
            "(cos 0.10)",
        ),
    ],
)
def test_each_rule_says_what_was_compared_and_how_close(dimension, cosine, reason):
    rule = SemanticMatch({dimension: cosine}).rule(dimension)
    assert rule.reason == reason
    assert rule.score == round(MINILM_CALIBRATION[dimension].credit(cosine), 4)
    assert rule.weight == SEMANTIC_WEIGHTS[dimension]


def test_a_dimension_without_a_cosine_has_no_semantic_rule():
    assert SemanticMatch({Dimension.DEMOGRAPHICS: 0.5}).rule(Dimension.FIRMOGRAPHICS) is None


def test_semantic_closeness_moves_a_near_fit_and_shows_in_its_reasons(sample_icp, prospects):
    partial = prospects["partial"]
    options = CampaignOptions()
    close = SemanticMatch(dict.fromkeys(Dimension, 0.9))
    far = SemanticMatch(dict.fromkeys(Dimension, 0.0))
    high = Scorer().score(sample_icp, *partial, options, close)
    low = Scorer().score(sample_icp, *partial, options, far)
    for name in ("demographics", "firmographics", "psychographics", "activity"):
        assert getattr(high.breakdown, name).score > getattr(low.breakdown, name).score
        assert any("semantically close" in r for r in getattr(high.breakdown, name).reasons)
    assert high.icp_match_score > low.icp_match_score

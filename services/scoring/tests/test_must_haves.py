"""Must-haves: a prospect that fits in everything but one thing the ICP rules out (the
sandbox's hard negatives) cannot qualify; data that is missing never rules anyone out."""

from __future__ import annotations

import pytest
from leadgen_common.contracts import CampaignOptions, ScoreOutcome
from leadgen_scoring.domain import Scorer, Thresholds
from leadgen_scoring.domain.rules import MUST_HAVE_NOTE

OPTIONS = CampaignOptions()


@pytest.mark.parametrize(
    ("profile_change", "company_change", "dimension", "reason"),
    [
        ({"activity": {"posts_last_30d": 0, "last_active_days": 400}}, {}, "activity",
         "last active 400 days ago"),
        ({}, {"employees": 12, "employees_range": "11-50"}, "firmographics",
         "company size 12 employees is outside ICP sizes '51-200, 201-500, 501-1000'"),
        ({"industry": "Oil & Energy"}, {"industry": "Oil & Energy", "tags": []}, "firmographics",
         "industry 'Oil & Energy' is not among ICP industries"),
        ({"title": "Software Engineering Manager", "headline": None}, {}, "demographics",
         "title 'Software Engineering Manager' is close to ICP 'Director of Engineering'"),
        ({"location": "Sydney, New South Wales, Australia"}, {}, "demographics",
         "location 'Sydney, New South Wales, Australia' is outside ICP"),
    ],
)  # fmt: skip
def test_one_unmet_must_have_keeps_an_otherwise_perfect_fit_from_qualifying(
    sample_icp, prospects, profile_change, company_change, dimension, reason
):
    profile, enrichment = prospects["perfect"]
    company = enrichment.company.model_copy(update=company_change)
    result = Scorer().score(
        sample_icp,
        profile.model_copy(update=profile_change),
        enrichment.model_copy(update={"company": company}),
        OPTIONS,
    )
    assert result.outcome is not ScoreOutcome.QUALIFIED
    assert result.icp_match_score <= 0.7499
    reasons = getattr(result.breakdown, dimension).reasons
    assert any(r.startswith(reason) and r.endswith(MUST_HAVE_NOTE) for r in reasons), reasons


def test_a_capped_total_sits_just_below_the_qualify_bar(sample_icp, prospects):
    profile, enrichment = prospects["perfect"]
    silent = profile.model_copy(update={"activity": {"last_active_days": 300}})
    result = Scorer(thresholds=Thresholds(qualify=0.7, review=0.5)).score(
        sample_icp, silent, enrichment, OPTIONS
    )
    assert result.icp_match_score == 0.6999
    assert result.outcome is ScoreOutcome.REVIEW


def test_missing_data_is_never_an_unmet_must_have(sample_icp, prospects, make_enrichment):
    profile, _ = prospects["perfect"]
    unknown = profile.model_copy(update={"industry": None, "activity": {}})
    result = Scorer().score(sample_icp, unknown, make_enrichment(), OPTIONS)
    reasons = [r for d in result.breakdown.model_dump().values() for r in d["reasons"]]
    assert not any(r.endswith(MUST_HAVE_NOTE) for r in reasons)
    assert "no company size known" in reasons and "no activity data" in reasons

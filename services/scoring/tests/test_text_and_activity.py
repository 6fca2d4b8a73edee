"""Stemming-lite, keyword themes, and activity signals of any shape."""

from __future__ import annotations

import pytest
from leadgen_scoring.domain.activity import score_activity
from leadgen_scoring.domain.text import content_stems, stem


@pytest.mark.parametrize(
    "family",
    [
        ("engineering", "engineer", "engineers"),
        ("scaling", "scale", "scaled"),
        ("automation", "automate", "automated"),
        ("management", "manager", "managing"),
        ("companies", "company"),
    ],
)
def test_word_forms_share_a_stem(family):
    assert len({stem(word) for word in family}) == 1


def test_content_stems_drop_filler_and_repeats():
    assert content_stems("Scaling the engineering team and engineers") == ("scal", "engin", "team")


@pytest.mark.parametrize(
    ("activity", "reasons"),
    [
        (
            {"last_active_days": 0, "posts_last_30d": 9, "connections": 800},
            ["last active today", "9 posts in the last 30 days", "800 connections"],
        ),
        (
            {"last_active_days": "3", "followers": 10, "connections": 500},
            ["last active 3 days ago", "posting volume unknown", "500 connections"],
        ),
        (
            {"last_active_days": -1, "posts_last_30d": True, "followers": float("nan"), "x": 1},
            ["no activity data"],
        ),
        (
            {"last_active_days": None, "posts_last_30d": "many", "connections": 50},
            ["last activity unknown", "posting volume unknown", "50 connections"],
        ),
        ({"recent_topics": ["hiring"]}, ["no activity data"]),
    ],
)
def test_activity_signals_of_any_shape(make_profile, activity, reasons):
    assert score_activity(make_profile(activity=activity), None).reasons == reasons


@pytest.mark.parametrize(
    ("days", "low", "high"), [(0, 1.0, 1.0), (7, 1.0, 1.0), (30, 0.69, 0.71), (365, 0.0, 0.0)]
)
def test_recency_decays(make_profile, days, low, high):
    # Full volume and reach credit, so the score is 0.5 * recency + 0.3 + 0.2.
    signals = {"last_active_days": days, "posts_last_30d": 8, "followers": 5000}
    recency = (score_activity(make_profile(activity=signals), None).score - 0.5) / 0.5
    assert low <= round(recency, 4) <= high

"""Routing a scored prospect: qualified, manual review, or rejected (spec §4.2)."""

from __future__ import annotations

from dataclasses import dataclass

from leadgen_common.contracts import ScoreOutcome


@dataclass(frozen=True, slots=True)
class Thresholds:
    """``qualify``: the lowest bar to qualify (a campaign's minMatchScore may raise it,
    never lower it); ``review``: the lowest score sent to manual review."""

    qualify: float = 0.75
    review: float = 0.60

    def __post_init__(self) -> None:
        if not 0.0 <= self.review <= self.qualify <= 1.0:
            raise ValueError(f"need 0 <= review ({self.review}) <= qualify ({self.qualify}) <= 1")

    @property
    def below_qualify(self) -> float:
        """The highest score that does not qualify (scores have four decimals)."""
        return max(0.0, round(self.qualify - 0.0001, 4))


def route(score: float, thresholds: Thresholds, min_match_score: float) -> ScoreOutcome:
    bar = max(thresholds.qualify, min_match_score)
    if score >= bar:
        return ScoreOutcome.QUALIFIED
    if score >= thresholds.review:
        return ScoreOutcome.REVIEW
    return ScoreOutcome.REJECTED

"""The explainable ICP match: four dimensions from explicit rules, their weighted sum,
the data-quality score, and the route. An unmet must-have (rules.combine) caps the sum
just below the qualify bar, and its reason says so. Pure and deterministic: the same
ICP, profile, enrichment, options and similarity always give the same result."""

from __future__ import annotations

import math
from dataclasses import dataclass

from leadgen_common.contracts import (
    CampaignOptions,
    Enrichment,
    Icp,
    ProspectProfile,
    ScoreBreakdown,
    ScoreOutcome,
)

from .activity import score_activity
from .demographics import score_demographics
from .firmographics import score_firmographics
from .psychographics import score_psychographics
from .quality import quality_score
from .routing import Thresholds, route
from .rules import DECIMALS, Rule
from .similarity import NO_SIMILARITY, Dimension, Similarity


@dataclass(frozen=True, slots=True)
class Weights:
    demographics: float = 0.30
    firmographics: float = 0.25
    psychographics: float = 0.25
    activity: float = 0.20

    def __post_init__(self) -> None:
        values = (self.demographics, self.firmographics, self.psychographics, self.activity)
        if any(value < 0 for value in values) or not math.isclose(sum(values), 1.0, abs_tol=1e-6):
            raise ValueError(f"dimension weights must be >= 0 and sum to 1, got {values}")

    def total(self, breakdown: ScoreBreakdown) -> float:
        return round(
            self.demographics * breakdown.demographics.score
            + self.firmographics * breakdown.firmographics.score
            + self.psychographics * breakdown.psychographics.score
            + self.activity * breakdown.activity.score,
            DECIMALS,
        )


@dataclass(frozen=True, slots=True)
class ScoreResult:
    icp_match_score: float
    quality_score: float
    breakdown: ScoreBreakdown
    outcome: ScoreOutcome


@dataclass(frozen=True, slots=True)
class Scorer:
    weights: Weights = Weights()
    thresholds: Thresholds = Thresholds()

    def score(
        self,
        icp: Icp,
        profile: ProspectProfile,
        enrichment: Enrichment,
        options: CampaignOptions,
        similarity: Similarity = NO_SIMILARITY,
    ) -> ScoreResult:
        unmet: list[Rule] = []
        breakdown = ScoreBreakdown(
            demographics=score_demographics(
                icp.demographics, profile, similarity.rule(Dimension.DEMOGRAPHICS), unmet
            ),
            firmographics=score_firmographics(
                icp.firmographics,
                profile,
                enrichment,
                similarity.rule(Dimension.FIRMOGRAPHICS),
                unmet,
            ),
            psychographics=score_psychographics(
                icp.psychographics, profile, similarity.rule(Dimension.PSYCHOGRAPHICS)
            ),
            activity=score_activity(profile, similarity.rule(Dimension.ACTIVITY), unmet),
        )
        total = self.weights.total(breakdown)
        if unmet:  # a must-have is not met: at best manual review
            total = min(total, self.thresholds.below_qualify)
        return ScoreResult(
            icp_match_score=total,
            quality_score=quality_score(profile, enrichment),
            breakdown=breakdown,
            outcome=route(total, self.thresholds, options.min_match_score),
        )

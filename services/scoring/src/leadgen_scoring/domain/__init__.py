"""Pure scoring domain (no I/O): explicit ICP-match rules with reasons, weights, routing."""

from .routing import Thresholds, route
from .scorer import Scorer, ScoreResult, Weights
from .similarity import NO_SIMILARITY, Dimension, Similarity

__all__ = [
    "NO_SIMILARITY",
    "Dimension",
    "ScoreResult",
    "Scorer",
    "Similarity",
    "Thresholds",
    "Weights",
    "route",
]

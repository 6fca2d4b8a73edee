"""Where semantic similarity joins the explicit rules.

A :class:`Similarity` is computed per (ICP, prospect) pair before scoring (embedding
is I/O and batches across prospects, so it stays outside the pure domain) and offers
one extra rule per dimension — score, weight and reason — that the dimension averages
with its explicit rules. Until an embedder exists, :data:`NO_SIMILARITY` offers none.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from .rules import Rule


class Dimension(StrEnum):
    DEMOGRAPHICS = "demographics"
    FIRMOGRAPHICS = "firmographics"
    PSYCHOGRAPHICS = "psychographics"
    ACTIVITY = "activity"


class Similarity(Protocol):
    def rule(self, dimension: Dimension) -> Rule | None:
        """The similarity rule for one dimension, or None to leave it to the rules."""
        ...


class _NoSimilarity:
    def rule(self, dimension: Dimension) -> Rule | None:
        return None


NO_SIMILARITY: Similarity = _NoSimilarity()

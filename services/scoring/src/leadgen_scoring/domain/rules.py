"""How the rules of one dimension become its score.

A dimension is a weighted mean of the rules that apply, of one of two kinds:

* ``every=True`` — the rules are conditions that must all hold (an ICP asks for a CTO
  *in* the US *at* a software company): a weighted geometric mean, so one clear miss
  ("location outside the ICP") costs most of the dimension instead of being averaged
  away. A miss counts as :data:`MISS_FLOOR`, not zero, so the other conditions still
  tell a near-fit from a non-fit;
* ``every=False`` — the rules are signals that add up (themes mentioned, recency and
  volume of activity): a weighted arithmetic mean.

A rule the ICP does not ask for is left out; a rule the ICP asks for but the prospect
has no data for scores :data:`UNKNOWN` (absence of evidence costs a little: an
unverifiable match should not qualify on an assumption). A dimension with no applicable
rule at all is :data:`NEUTRAL` and says why.

Some rules are must-haves (``must_meet``): when the prospect's own data shows one is
not met — a title of another function or two levels below, an industry the ICP does not
name, a company outside its sizes, a location outside its places, silence for half a
year — the prospect cannot qualify however well the rest fits (the weighted sum alone
would let "everything right but one thing" through). ``combine`` reports such rules to
the caller and says so in their reason; a rule without data never counts as unmet.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from leadgen_common.contracts import DimensionScore

#: Score of a dimension with nothing to judge on: no evidence either way.
NEUTRAL = 0.5
#: Score of a rule the ICP asks for when the prospect's data does not tell.
UNKNOWN = 0.35
#: What a missed condition counts as in a geometric mean (see ``every=True``).
MISS_FLOOR = 0.1
#: Scores and the weighted total are rounded to this many decimals (stable, comparable).
DECIMALS = 4


@dataclass(frozen=True, slots=True)
class Rule:
    """One explicit rule's verdict: a score in [0, 1] (None: noted, not scored), its
    weight within the dimension, and the human-readable reason."""

    score: float | None
    weight: float
    reason: str
    #: Least score that meets this must-have; None: not a must-have (or no data).
    must_meet: float | None = None

    @property
    def unmet(self) -> bool:
        return self.must_meet is not None and self.score is not None and self.score < self.must_meet


MUST_HAVE_NOTE = " (a must-have: cannot qualify)"


def combine(
    rules: Iterable[Rule | None],
    *,
    every: bool,
    neutral_reason: str = "nothing to judge on: neutral",
    unmet: list[Rule] | None = None,
) -> DimensionScore:
    """The dimension's score from its rules; every reason kept in rule order. Unmet
    must-haves are appended to ``unmet`` when it is given."""
    given = [rule for rule in rules if rule is not None]
    scored = [(rule.score, rule.weight) for rule in given if rule.score is not None]
    reasons = [rule.reason + (MUST_HAVE_NOTE if rule.unmet else "") for rule in given]
    if unmet is not None:
        unmet.extend(rule for rule in given if rule.unmet)
    total_weight = sum(weight for _, weight in scored)
    if total_weight <= 0:
        return DimensionScore(score=NEUTRAL, reasons=[*reasons, neutral_reason])
    mean = _geometric if every else _arithmetic
    value = mean(scored, total_weight)
    return DimensionScore(score=round(min(1.0, max(0.0, value)), DECIMALS), reasons=reasons)


def _arithmetic(scored: list[tuple[float, float]], total_weight: float) -> float:
    return sum(score * weight for score, weight in scored) / total_weight


def _geometric(scored: list[tuple[float, float]], total_weight: float) -> float:
    logs = sum(math.log(max(score, MISS_FLOOR)) * weight for score, weight in scored)
    return math.exp(logs / total_weight)

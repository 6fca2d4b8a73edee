"""Activity: is the person reachable on the platform now? Recency (last_active_days),
volume (posts_last_30d) and reach (followers or connections) from ``profile.activity``.
Values of any other type than a non-negative number count as unknown, never crash."""

from __future__ import annotations

import math
from typing import Any

from leadgen_common.contracts import DimensionScore, ProspectProfile

from .rules import UNKNOWN, Rule, combine

RECENCY_WEIGHT, VOLUME_WEIGHT, REACH_WEIGHT = 0.5, 0.3, 0.2
#: Posts in 30 days that earn full volume credit (about two a week).
FULL_VOLUME_POSTS = 8
#: Audience that earns full reach credit; credit grows with its logarithm.
FULL_REACH = 5_000
#: (days since last active, credit) corners; linear in between, 0 beyond the last.
_RECENCY = ((0, 1.0), (7, 1.0), (30, 0.7), (90, 0.3), (365, 0.0))
_KEYS = ("last_active_days", "posts_last_30d", "followers", "connections")
#: Must-have: seen within about half a year (recency credit 0.2 is 180 days).
RECENCY_MUST_MEET = 0.2


def score_activity(
    profile: ProspectProfile, similarity: Rule | None, unmet: list[Rule] | None = None
) -> DimensionScore:
    known = {key: signal(profile.activity, key) for key in _KEYS}
    if all(value is None for value in known.values()):
        rules = [Rule(UNKNOWN, 1.0, "no activity data")]
    else:
        rules = [
            _recency_rule(known["last_active_days"]),
            _volume_rule(known["posts_last_30d"]),
            _reach_rule(known["followers"], known["connections"]),
        ]
    return combine([*rules, similarity], every=False, unmet=unmet)


def signal(signals: dict[str, Any], key: str) -> float | None:
    """A numeric activity signal, or None when missing or not a non-negative number."""
    value = signals.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _recency_rule(days: float | None) -> Rule:
    if days is None:
        return Rule(UNKNOWN, RECENCY_WEIGHT, "last activity unknown")
    credit = _interpolate(days, _RECENCY)
    when = "today" if days < 1 else f"{days:.0f} day{'s' if days >= 2 else ''} ago"
    return Rule(round(credit, 4), RECENCY_WEIGHT, f"last active {when}", RECENCY_MUST_MEET)


def _interpolate(x: float, corners: tuple[tuple[float, float], ...]) -> float:
    """Piecewise-linear through the corners; the last corner's value beyond it."""
    for (x0, y0), (x1, y1) in zip(corners, corners[1:], strict=False):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return corners[-1][1]


def _volume_rule(posts: float | None) -> Rule:
    if posts is None:
        return Rule(UNKNOWN, VOLUME_WEIGHT, "posting volume unknown")
    credit = min(1.0, posts / FULL_VOLUME_POSTS)
    return Rule(credit, VOLUME_WEIGHT, f"{posts:.0f} posts in the last 30 days")


def _reach_rule(followers: float | None, connections: float | None) -> Rule:
    pairs = ((followers, "followers"), (connections, "connections"))
    known = [(n, label) for n, label in pairs if n is not None]
    if not known:
        return Rule(UNKNOWN, REACH_WEIGHT, "audience size unknown")
    audience, label = max(known, key=lambda item: item[0])
    credit = min(1.0, math.log10(1 + audience) / math.log10(1 + FULL_REACH))
    return Rule(round(credit, 4), REACH_WEIGHT, f"{audience:,.0f} {label}")

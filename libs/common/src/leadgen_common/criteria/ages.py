"""Age ranges ("35-55", "55+", [30, 50]) -> Facebook's age_min / age_max.

Facebook targets ages 18 to 65, where 65 means 65 and older. A range partly outside is
clamped to that span and the change reported; a range wholly below 18 is not targeted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_RANGE = re.compile(r"^\s*(\d{1,3})\s*(?:(?:-|–|to)\s*(\d{1,3})|(\+|plus|or older|and over))\s*$")
_SINGLE = re.compile(r"^\s*(\d{1,3})\s*$")

Ages = tuple[int, int | None]  # inclusive; None = no upper bound


@dataclass(frozen=True, slots=True)
class AgeSpan:
    """The ages a platform can target; ``top`` means ``top`` and older."""

    bottom: int
    top: int

    def fit(self, ages: Ages, label: str) -> tuple[tuple[int, int] | None, list[str]]:
        """(age_min, age_max) for ``ages`` (None if none can be targeted), and warnings."""
        low, high = ages
        if high is not None and high < self.bottom:
            return None, [
                f"{label} is below Facebook's youngest targetable age {self.bottom}; "
                "age not targeted"
            ]
        age_min = min(max(low, self.bottom), self.top)
        age_max = self.top if high is None else min(max(high, self.bottom), self.top)
        changed = low < self.bottom or low > self.top or (high is not None and high > self.top)
        if not changed:
            return (age_min, age_max), []
        shown = f"{age_min}+" if age_min == age_max == self.top else f"{age_min}-{age_max}"
        return (age_min, age_max), [
            f"{label} is outside Facebook's ages {self.bottom}-{self.top} "
            f"({self.top} meaning {self.top} and older); targeted {shown}"
        ]


def parse_ages(value: Any) -> Ages | None:
    """The ages a value names: "35-55", "55+", "40", [30, 50], (30, 50); None otherwise."""
    if isinstance(value, list | tuple) and len(value) == 2:
        low, high = (_as_int(v) for v in value)
        return _ordered(low, high)
    if isinstance(value, int) and not isinstance(value, bool):
        return _ordered(value, value)
    if not isinstance(value, str):
        return None
    if match := _RANGE.match(value.casefold()):
        low = int(match[1])
        return _ordered(low, int(match[2])) if match[2] else (low, None)
    if match := _SINGLE.match(value):
        return _ordered(int(match[1]), int(match[1]))
    return None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _ordered(low: int | None, high: int | None) -> Ages | None:
    if low is None or high is None or low > high or low < 0:
        return None
    return low, high

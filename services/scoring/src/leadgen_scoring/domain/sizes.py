"""Company size: how well a headcount, or a provider's band ("51-250", "1K-5K"), fits
the ICP's size bands. Bands are parsed by the parser the ICP translation uses
(``leadgen_common.criteria.company_size``: "51-200", "1000+", "201-500 employees",
"SIZE_51_TO_200", "under 50", ...), so scoring reads a size the way discovery does."""

from __future__ import annotations

import math
from functools import lru_cache

from leadgen_common.criteria.company_size import Range, parse_size

#: How far outside the bands (as a ratio of headcounts) still earns "near" credit.
_NEAR = ((1.5, 0.5), (2.5, 0.25))
#: Credit of a provider band that straddles an edge of the ICP's bands.
OVERLAP = 0.6

Interval = tuple[int, float]  # inclusive; math.inf for open-ended


@lru_cache(maxsize=1024)
def parse_bands(values: tuple[str, ...]) -> tuple[Interval, ...]:
    """The ICP's bands as disjoint intervals ("51-200" + "201-500" join); unreadable
    values are left out."""
    ranges = sorted(_interval(r) for r in map(parse_size, values) if r is not None)
    merged: list[Interval] = []
    for low, high in ranges:
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return tuple(merged)


def fit_count(count: float, bands: tuple[Interval, ...]) -> float:
    """1 inside a band; less the further outside the nearest one."""
    ratio = min(_ratio_outside(count, band) for band in bands)
    if ratio <= 1.0:
        return 1.0
    return next((credit for limit, credit in _NEAR if ratio <= limit), 0.0)


def fit_range(value: str, bands: tuple[Interval, ...]) -> float | None:
    """A provider's band: 1 inside the ICP's bands, OVERLAP across an edge, else as its
    middle headcount; None when the value is not a size."""
    parsed = parse_size(value)
    if parsed is None:
        return None
    low, high = _interval(parsed)
    for start, end in bands:
        if start <= low and high <= end:
            return 1.0
        if low <= end and start <= high:
            return OVERLAP
    middle = math.sqrt(low * high) if math.isfinite(high) else low * 2
    return fit_count(middle, bands)


def _interval(size: Range) -> Interval:
    low, high = size
    return max(low, 1), math.inf if high is None else high


def _ratio_outside(count: float, band: Interval) -> float:
    low, high = band
    if count < low:
        return low / max(count, 1)
    if count > high:
        return count / high
    return 1.0

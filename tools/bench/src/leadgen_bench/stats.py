"""Percentiles and sustained rates, the same way for every figure of the bench."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], share: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_ms(values_s: Sequence[float]) -> dict[str, float | int | None]:
    """p50/p95/p99 (and the count) of durations given in seconds, in milliseconds."""
    ms = [v * 1000 for v in values_s]
    return {
        "n": len(ms),
        "p50_ms": _round(percentile(ms, 0.50)),
        "p95_ms": _round(percentile(ms, 0.95)),
        "p99_ms": _round(percentile(ms, 0.99)),
    }


def sustained_rate(times: Sequence[float], trim: float = 0.1) -> float | None:
    """Items per second between the ``trim`` and ``1 - trim`` quantiles of the moments
    items were done: the steady state, without the ramp-up and the tail."""
    if len(times) < 10:
        return None
    ordered = sorted(times)
    first, last = int(len(ordered) * trim), int(len(ordered) * (1 - trim)) - 1
    span = ordered[last] - ordered[first]
    return _round((last - first) / span) if span > 0 else None


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)

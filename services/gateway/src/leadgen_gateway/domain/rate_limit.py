"""The per-principal API limit in one process (used when the gateway has no Redis, or
while Redis does not answer): GCRA, i.e. a token bucket of ``limit`` tokens refilled
evenly over ``window_s`` — at most ``limit`` requests back to back, then one every
``window_s / limit``. One float per principal; the least recently seen are forgotten
beyond ``max_keys`` (a forgotten principal starts with a full bucket)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

_EPSILON_S = 1e-6


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after_s: float  # 0 when allowed


class LocalLimiter:
    def __init__(self, limit: int, window_s: float, *, max_keys: int = 100_000) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("a limit needs at least one request per positive window")
        self._interval = window_s / limit
        self._burst_span = window_s - self._interval  # how far ahead the bucket may run
        self._max_keys = max_keys
        # key -> theoretical arrival time of the next request (monotonic seconds)
        self._tat: OrderedDict[Hashable, float] = OrderedDict()

    def take(self, key: Hashable, now: float) -> Verdict:
        tat = max(self._tat.get(key, now), now)
        wait = tat - self._burst_span - now
        if wait > _EPSILON_S:  # sums of intervals are not exact in binary
            return Verdict(False, wait)
        self._tat[key] = tat + self._interval
        self._tat.move_to_end(key)
        while len(self._tat) > self._max_keys:
            self._tat.popitem(last=False)
        return Verdict(True, 0.0)

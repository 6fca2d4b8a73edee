"""What happens after an attempt, decided without I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from leadgen_common.webhooks import backoff_s


class Next(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Policy:
    max_attempts: int
    backoff_base_s: float
    backoff_max_s: float
    disable_after: int


@dataclass(frozen=True, slots=True)
class Verdict:
    next: Next
    delay_s: float = 0.0  # until the next attempt (RETRY only)


def after_attempt(
    policy: Policy, attempts: int, succeeded: bool, rng: Callable[[], float] | None = None
) -> Verdict:
    """``attempts`` counts the one just made."""
    if succeeded:
        return Verdict(Next.DELIVERED)
    if attempts >= policy.max_attempts:
        return Verdict(Next.FAILED)
    extra = {} if rng is None else {"rng": rng}
    delay = backoff_s(attempts, base_s=policy.backoff_base_s, max_s=policy.backoff_max_s, **extra)
    return Verdict(Next.RETRY, delay)


def auto_disabled(disabled_at: datetime | None, enabled_at: datetime) -> bool:
    """Delivery disabled the endpoint, and the team has not re-enabled it since."""
    return disabled_at is not None and disabled_at > enabled_at


def should_disable(consecutive_failures: int, policy: Policy) -> bool:
    return consecutive_failures >= policy.disable_after

"""Campaign progress arithmetic: effective status, completion estimate, cost per lead.

Pure functions over what the read models hold, so the numbers are tested without I/O.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from leadgen_common.contracts import CampaignStatus

FINAL_STATUSES = frozenset(
    {CampaignStatus.COMPLETED, CampaignStatus.FAILED, CampaignStatus.CANCELLED}
)
_CENTS = Decimal("0.0001")


def effective_status(progress_status: str | None, requested_status: str) -> CampaignStatus:
    """lead-writer's status once it saw the campaign; the requested one before that."""
    return CampaignStatus(progress_status or requested_status)


def accepts_control(progress_status: str | None, requested_status: str) -> bool:
    """A campaign that ended, or whose cancel was already asked for, takes no more control."""
    if requested_status == CampaignStatus.CANCELLED:
        return False
    return effective_status(progress_status, requested_status) not in FINAL_STATUSES


def initial_estimate(now: datetime, max_prospects: int, prospects_per_second: float) -> datetime:
    """When a new campaign should be done, at the configured pipeline rate."""
    return now + timedelta(seconds=max_prospects / prospects_per_second)


def estimate_completion(
    *,
    status: CampaignStatus,
    now: datetime,
    started_at: datetime,
    completed_at: datetime | None,
    scored: int,
    target: int,
    fallback: datetime | None,
) -> datetime | None:
    """Completed: when it completed. Paused or ended otherwise: none. Running: the
    campaign's own scoring rate extrapolated to ``target``, or ``fallback`` before any
    prospect was scored."""
    if status is CampaignStatus.COMPLETED:
        return completed_at
    if status is not CampaignStatus.RUNNING:
        return None
    if scored <= 0:
        return fallback
    if scored >= target:
        return now  # only the last bookkeeping (outbox, counters) is left
    elapsed = max(now - started_at, timedelta(0))
    return started_at + elapsed * (target / scored)


def estimate_target(*, max_prospects: int, discovered: int, expected: int | None) -> int:
    """How many prospects the campaign will score in all: what discovery said it
    published once it finished, else the cap (or more, if already past it)."""
    return expected if expected is not None else max(max_prospects, discovered)


def money(value: Decimal | float | int) -> float:
    return float(Decimal(value).quantize(_CENTS, rounding=ROUND_HALF_UP))


def cost_per_qualified_lead(total: Decimal, qualified: int) -> float | None:
    """spec §14.1: total cost / qualified leads; undefined before the first one."""
    return money(total / qualified) if qualified > 0 else None

"""GET /prospecting/campaigns/{id}: the campaign as DESIGN.md shapes it, assembled from
the gateway's campaigns row, lead-writer's campaign_progress / campaign_prospects and
discovery's live cursors (per-platform counts, failures, rate-limit waits)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from leadgen_common.contracts import CampaignOptions, Icp, Platform
from leadgen_common.criteria import translate
from sqlalchemy import RowMapping

from .domain import progress as calc
from .schemas.campaigns import CampaignOut, Cost, PlatformProgress, Progress

CURRENCY = "USD"
_COUNTERS = (
    "discovered",
    "enriched",
    "enrichment_skipped",
    "scored",
    "qualified",
    "review",
    "rejected",
    "converted",
)


def _progress(row: RowMapping | None) -> Progress:
    return Progress(**{name: (row[name] if row else 0) for name in _COUNTERS})


def _platform(
    platform: Platform,
    reported: dict[str, Any],
    live: Mapping[str, Any],
    discovered: int,
    icp: Icp | None,
    overrides: dict[str, Any] | None,
) -> tuple[PlatformProgress, list[str]]:
    """Discovery's report for the platform wins (criteria actually used); before it,
    the pure translator says what discovery is sending, and discovery's cursor what it
    has found, why it failed, and until when it waits for the rate limit."""
    if "criteria" in reported:
        criteria, warnings = reported["criteria"], list(reported.get("warnings") or [])
    elif icp is not None:
        translation = translate(icp, platform, overrides)
        criteria, warnings = translation.criteria, translation.warnings
    else:
        criteria, warnings = {}, []
    counts = (discovered, reported.get("discovered"), live.get("discovered"))
    entry = PlatformProgress(
        discovered=max(int(count or 0) for count in counts),
        rate_limited_until=live.get("rate_limited_until"),
        criteria=criteria,
        failure_reason=reported.get("failure_reason") or live.get("failure_reason"),
    )
    return entry, warnings


def campaign_view(
    campaign: RowMapping,
    progress: RowMapping | None,
    discovered_by_platform: dict[str, int],
    discovery_live: Mapping[str, Mapping[str, Any]],
    icp: Icp | None,
    now: datetime,
) -> CampaignOut:
    options = CampaignOptions.model_validate(campaign["options"])
    reports: dict[str, Any] = (progress["platforms"] if progress else None) or {}
    platforms: dict[Platform, PlatformProgress] = {}
    platform_warnings: list[str] = []
    for name in campaign["platforms"]:
        platform = Platform(name)
        platforms[platform], warnings = _platform(
            platform,
            reports.get(name) or {},
            discovery_live.get(name) or {},
            discovered_by_platform.get(name, 0),
            icp,
            campaign["search_criteria"].get(name),
        )
        platform_warnings += warnings

    status = calc.effective_status(
        progress["status"] if progress else None, campaign["requested_status"]
    )
    counters = _progress(progress)
    total = Decimal(progress["cost_total"]) if progress else Decimal(0)
    started_at = progress["started_at"] if progress else campaign["created_at"]
    completed_at = progress["completed_at"] if progress else None
    target = calc.estimate_target(
        max_prospects=options.max_prospects,
        discovered=counters.discovered,
        expected=progress["expected_discovered"] if progress else None,
    )
    return CampaignOut(
        id=campaign["id"],
        name=campaign["name"],
        status=status,
        progress=counters,
        platforms=platforms,
        cost=Cost(
            total=calc.money(total),
            per_qualified_lead=calc.cost_per_qualified_lead(total, counters.qualified),
            currency=CURRENCY,
        ),
        estimated_completion=calc.estimate_completion(
            status=status,
            now=now,
            started_at=started_at,
            completed_at=completed_at,
            scored=counters.scored,
            target=target,
            fallback=campaign["estimated_completion"],
        ),
        failure_reason=progress["failure_reason"] if progress else None,
        warnings=list(progress["warnings"] or platform_warnings) if progress else platform_warnings,
        started_at=started_at,
        completed_at=completed_at,
    )

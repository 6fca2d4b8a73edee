"""Campaign-level projections: control commands, discovery's outcome, per-platform counts.

``campaign_progress.platforms`` maps a platform to ``{"discovered": n, "criteria": {...},
"warnings": [...], "failure_reason": str | null, "reported_discovered": n}``:
``discovered`` counts the prospect.discovered events lead-writer projected,
``reported_discovered`` is what discovery said it published.
"""

from __future__ import annotations

from typing import Any

from leadgen_common.contracts.events import CampaignStatus, ControlAction, DiscoveryFinished

from .statuses import FINAL_CAMPAIGN_STATUSES

_CONTROLLED = {
    ControlAction.PAUSE: CampaignStatus.PAUSED,
    ControlAction.RESUME: CampaignStatus.RUNNING,
    ControlAction.CANCEL: CampaignStatus.CANCELLED,
}

#: DiscoveryFinished.reason when discovery failed on every platform.
FAILED_REASON = "failed"
#: DiscoveryFinished.reason when discovery stopped on a cancel command.
CANCELLED_REASON = "cancelled"


def after_control(status: CampaignStatus, action: ControlAction) -> CampaignStatus:
    """Completed, failed and cancelled are final; otherwise the command decides."""
    return status if status in FINAL_CAMPAIGN_STATUSES else _CONTROLLED[action]


def after_discovery(status: CampaignStatus, finished: DiscoveryFinished) -> CampaignStatus:
    """Discovery's outcome can carry the campaign's end: it stops on a cancel it has seen,
    and that finish may reach us before our own copy of the cancel (another topic), so it
    must not let the campaign complete in between."""
    if status in FINAL_CAMPAIGN_STATUSES:
        return status
    if finished.reason == FAILED_REASON:
        return CampaignStatus.FAILED
    if finished.reason == CANCELLED_REASON:
        return CampaignStatus.CANCELLED
    return status


def failure_reason(finished: DiscoveryFinished) -> str | None:
    """The campaign's failure reason: set only when discovery failed as a whole."""
    if finished.reason != FAILED_REASON:
        return None
    reasons = [
        f"{platform.value}: {outcome.failure_reason}"
        for platform, outcome in finished.platforms.items()
        if outcome.failure_reason
    ]
    return "; ".join(reasons) or "discovery failed on every platform"


def warnings(finished: DiscoveryFinished) -> list[str]:
    """Every platform's warnings, each once, in order of appearance."""
    seen: dict[str, None] = {}
    for outcome in finished.platforms.values():
        seen.update(dict.fromkeys(outcome.warnings))
    return list(seen)


def with_discovery_outcome(
    platforms: dict[str, Any], finished: DiscoveryFinished
) -> dict[str, Any]:
    merged = dict(platforms)
    for platform, outcome in finished.platforms.items():
        entry = merged.get(platform.value, {})
        merged[platform.value] = {
            **entry,
            "discovered": entry.get("discovered", 0),
            "criteria": outcome.criteria,
            "warnings": outcome.warnings,
            "failure_reason": outcome.failure_reason,
            "reported_discovered": outcome.discovered,
        }
    return merged

"""The payloads discovery publishes, built from the cursors (pure)."""

from __future__ import annotations

import uuid

from leadgen_common.contracts import NAMESPACE, prospect_id_for
from leadgen_common.contracts.events import (
    DiscoveryFinished,
    PlatformDiscovery,
    ProspectDiscovered,
    ProspectProfile,
)

from .cursors import CampaignCursors, Reason


def discovered_event_id(campaign_id: uuid.UUID, prospect_id: uuid.UUID) -> uuid.UUID:
    """One event id per (campaign, prospect): a page re-published after a crash carries
    the same ids, so consumers dedupe it as the repeat it is."""
    return uuid.uuid5(NAMESPACE, f"prospect.discovered:{campaign_id}:{prospect_id}")


def finished_event_id(campaign_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"campaign.discovery_finished:{campaign_id}")


def prospect_discovered(
    state: CampaignCursors, rank: int, profile: ProspectProfile
) -> ProspectDiscovered:
    return ProspectDiscovered(
        prospect_id=prospect_id_for(state.team_id, profile.platform, profile.platform_profile_id),
        campaign_id=state.campaign_id,
        rank=rank,
        profile=profile,
        options=state.options,
    )


def discovery_finished(state: CampaignCursors, reason: Reason) -> DiscoveryFinished:
    return DiscoveryFinished(
        campaign_id=state.campaign_id,
        total_discovered=state.discovered,
        platforms={
            cursor.platform: PlatformDiscovery(
                discovered=cursor.discovered,
                criteria=cursor.criteria,
                warnings=cursor.warnings,
                failure_reason=cursor.failure_reason,
            )
            for cursor in state.platforms
        },
        reason=reason.value,
    )

"""What the two commands do: a campaign starts (cursor rows), or is paused, resumed or
cancelled (their control status). Neither pages: the supervisor's loops do."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from leadgen_common import kafka_tracing
from leadgen_common.contracts import Envelope, Platform
from leadgen_common.contracts.events import CampaignStarted, ControlAction, ControlCampaign
from leadgen_common.criteria import NOT_SUPPORTED, translate

from .domain.cursors import CampaignCursors, ControlStatus, Outcome, PlatformCursor
from .ports import CursorStore, PeopleSearch

logger = logging.getLogger(__name__)

#: action -> (statuses it applies to, status it sets)
TRANSITIONS: dict[ControlAction, tuple[set[ControlStatus], ControlStatus]] = {
    ControlAction.PAUSE: ({ControlStatus.RUNNING}, ControlStatus.PAUSED),
    ControlAction.RESUME: ({ControlStatus.PAUSED}, ControlStatus.RUNNING),
    ControlAction.CANCEL: ({ControlStatus.RUNNING, ControlStatus.PAUSED}, ControlStatus.CANCELLED),
}


def platform_cursor(
    started: CampaignStarted, platform: Platform, search: PeopleSearch | None
) -> PlatformCursor:
    """Translated criteria and warnings of one platform; one without a search fails now."""
    translation = translate(started.icp, platform, started.search_criteria.get(platform))
    if search is None:
        return PlatformCursor(
            platform,
            criteria=translation.criteria,
            warnings=translation.warnings,
            outcome=Outcome.FAILED,
            failure_reason=NOT_SUPPORTED,
        )
    criteria, unsendable = search.usable(translation.criteria)
    return PlatformCursor(platform, criteria=criteria, warnings=translation.warnings + unsendable)


class Campaigns:
    def __init__(
        self,
        store: CursorStore,
        searches: Mapping[Platform, PeopleSearch],
        nudge: Callable[..., None],
    ) -> None:
        self.store = store
        self.searches = searches
        self.nudge = nudge

    async def start(self, envelope: Envelope[Any]) -> None:
        started: CampaignStarted = envelope.payload
        # campaign.control may overtake campaign.started (different topics): the gateway
        # records the requested status before publishing control, so start from it.
        requested = await self.store.requested_status(started.campaign_id)
        status = ControlStatus(requested) if requested else ControlStatus.RUNNING
        state = CampaignCursors(
            campaign_id=started.campaign_id,
            team_id=envelope.team_id,
            status=status,
            options=started.options,
            correlation_id=envelope.correlation_id,
            started_event_id=envelope.event_id,
            trace_context=kafka_tracing.carrier(),  # this handler's span: campaign.started's
            platforms=tuple(
                platform_cursor(started, platform, self.searches.get(platform))
                for platform in dict.fromkeys(started.platforms)
            ),
        )
        if await self.store.create(state):
            logger.info("campaign cursors created (%s)", status)
        self.nudge()

    async def control(self, envelope: Envelope[Any]) -> None:
        command: ControlCampaign = envelope.payload
        allowed_from, to = TRANSITIONS[command.action]
        changed = await self.store.set_status(command.campaign_id, allowed_from, to)
        logger.info("%s: %d cursor rows now %s", command.action, changed, to)
        self.nudge(command.campaign_id)

"""When a campaign is completed (DESIGN.md "Statuses").

A campaign completes when discovery has finished and lead-writer has seen every prospect
discovery reported and each one's enriched and scored events, every one of them is in a
terminal state, and no lead.created of the
campaign waits in the outbox. Only a running campaign completes: a paused one completes
once resumed, and cancelled, failed and completed are final.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from leadgen_common.contracts.events import CampaignStatus, ProspectStatus

from .statuses import is_terminal


@dataclass(frozen=True)
class CampaignState:
    """The campaign_progress facts completion depends on."""

    status: CampaignStatus
    discovery_finished: bool
    discovered: int  # prospect.discovered events counted
    enriched: int  # prospect.enriched events counted (skipped included)
    scored: int  # prospect.scored events counted
    expected_discovered: int | None  # total discovery reported in discovery_finished
    auto_convert: bool


@dataclass(frozen=True)
class StatusCount:
    """How many of a campaign's prospects have ``status``; of those, how many persons
    already are leads (which makes ``qualified`` terminal)."""

    status: ProspectStatus
    count: int
    already_leads: int = 0


#: Statuses no campaign option or lead makes terminal (not scored yet): one prospect in
#: any of them means the campaign is not complete, whatever the rest.
NEVER_TERMINAL = frozenset(
    s for s in ProspectStatus if not is_terminal(s, auto_convert=False, already_lead=True)
)


def may_complete(campaign: CampaignState) -> bool:
    """The part of the rule the campaign_progress row alone decides (checked first: cheap)."""
    return (
        campaign.status is CampaignStatus.RUNNING
        and campaign.discovery_finished
        and campaign.discovered >= (campaign.expected_discovered or 0)
        # A prospect can be scored before its prospect.enriched reaches us (other topic):
        # wait for every stage's event, so a completed campaign's funnel adds up.
        and campaign.enriched >= campaign.discovered
        and campaign.scored >= campaign.discovered
    )


def non_terminal(counts: Iterable[StatusCount], *, auto_convert: bool) -> int:
    total = 0
    for entry in counts:
        if is_terminal(entry.status, auto_convert=auto_convert, already_lead=False):
            continue
        if is_terminal(entry.status, auto_convert=auto_convert, already_lead=True):
            total += entry.count - entry.already_leads
        else:
            total += entry.count
    return total


def is_complete(
    campaign: CampaignState, counts: Iterable[StatusCount], *, unpublished_outbox: bool
) -> bool:
    counts = list(counts)
    return (
        may_complete(campaign)
        and sum(entry.count for entry in counts) == campaign.discovered
        and non_terminal(counts, auto_convert=campaign.auto_convert) == 0
        and not unpublished_outbox
    )

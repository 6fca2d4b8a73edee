"""Prospect statuses within a campaign: their order, which are terminal, and which
scoring-outcome counter each one is counted under (DESIGN.md "Statuses")."""

from __future__ import annotations

from leadgen_common.contracts.events import CampaignStatus, ProspectStatus, ScoreOutcome

# Events of one prospect arrive on different topics in any order, so a status only ever
# moves to a higher level. The three scoring outcomes share one level: which of them a
# prospect has is decided once, by prospect.scored, or by a person in prospect.reviewed.
_LEVEL: dict[ProspectStatus, int] = {
    ProspectStatus.NEW: 0,
    ProspectStatus.ENRICHED: 1,
    ProspectStatus.QUALIFIED: 2,
    ProspectStatus.REVIEW: 2,
    ProspectStatus.REJECTED: 2,
    ProspectStatus.CONVERTED: 3,
    ProspectStatus.ERASED: 4,
}

#: A person may convert or reject a prospect only in these statuses (as the gateway checks).
REVIEWABLE = frozenset({ProspectStatus.QUALIFIED, ProspectStatus.REVIEW})

#: Campaign statuses nothing changes any more.
FINAL_CAMPAIGN_STATUSES = frozenset(
    {CampaignStatus.COMPLETED, CampaignStatus.FAILED, CampaignStatus.CANCELLED}
)


def level(status: ProspectStatus) -> int:
    return _LEVEL[status]


def advance(current: ProspectStatus, target: ProspectStatus) -> ProspectStatus:
    """``target`` if it is further along than ``current``, else ``current`` (never backwards)."""
    return target if level(target) > level(current) else current


def is_terminal(status: ProspectStatus, *, auto_convert: bool, already_lead: bool) -> bool:
    """Whether nothing more will happen to the prospect in this campaign.

    ``qualified`` is terminal when the campaign does not auto-convert, or when the person
    already is a lead (from any campaign: one lead per person, ever)."""
    if status is ProspectStatus.QUALIFIED:
        return not auto_convert or already_lead
    return level(status) >= level(ProspectStatus.QUALIFIED)


def outcome_bucket(status: ProspectStatus) -> ScoreOutcome | None:
    """The outcome counter (qualified / review / rejected) a scored prospect is counted in.

    A converted prospect counts as qualified, whether scoring or a person qualified it, so
    qualified + review + rejected == scored holds after every manual decision too.

    An erased prospect scored after its erasure (or refused: its team's suppression list
    names it) counts as rejected: it was never routed. One erased after it was scored
    keeps the counter it was counted under, since erasure moves no counter and a
    counter only moves by the change of a row's contribution."""
    if status in (ProspectStatus.QUALIFIED, ProspectStatus.CONVERTED):
        return ScoreOutcome.QUALIFIED
    if status is ProspectStatus.REVIEW:
        return ScoreOutcome.REVIEW
    if status in (ProspectStatus.REJECTED, ProspectStatus.ERASED):
        return ScoreOutcome.REJECTED
    return None

"""Demographics: who the person is — job title against the ICP's titles (with seniority
and function partial credit), location against its locations, age range when known."""

from __future__ import annotations

import re

from leadgen_common.contracts import DimensionScore, ProspectProfile
from leadgen_common.contracts.icp import Demographics

from . import titles
from .locations import location_rule
from .rules import UNKNOWN, Rule, combine
from .text import quote

TITLE_WEIGHT, LOCATION_WEIGHT = 0.65, 0.35
#: Must-haves: a title at least this close (an ICP title, or the same function one level
#: away), and a location in (not merely near) the ICP's places.
TITLE_MUST_MEET, LOCATION_MUST_MEET = 0.7, 0.5
#: Below this a title "does not match" rather than "is close to" the nearest ICP title.
_CLOSE = 0.3
#: Where a headline's job title ends: "VP Engineering at Acme | Scaling teams".
_HEADLINE_CUT = re.compile(r"\s+(?:at|@)\s+|\s*[|•·]\s*|\s+-\s+")


def score_demographics(
    icp: Demographics,
    profile: ProspectProfile,
    similarity: Rule | None,
    unmet: list[Rule] | None = None,
) -> DimensionScore:
    location = location_rule(
        "location", profile.location, icp.locations, LOCATION_WEIGHT, LOCATION_MUST_MEET
    )
    return combine(
        [_title_rule(icp.job_titles, profile), location, _age_note(icp.age_range), similarity],
        every=True,
        neutral_reason="ICP sets no job titles or locations: neutral",
        unmet=unmet,
    )


def _job_title(profile: ProspectProfile) -> tuple[str | None, str]:
    """The title, or the job part of the headline when the title is missing."""
    if profile.title and profile.title.strip():
        return profile.title.strip(), "title"
    if profile.headline and profile.headline.strip():
        return _HEADLINE_CUT.split(profile.headline.strip(), maxsplit=1)[0], "headline title"
    return None, "title"


def _title_rule(icp_titles: list[str], profile: ProspectProfile) -> Rule | None:
    if not icp_titles:
        return None
    title, what = _job_title(profile)
    if title is None:
        return Rule(UNKNOWN, TITLE_WEIGHT, "no job title known")
    match = titles.best_match(title, icp_titles)
    if match.detail is None:
        reason = f"{what} {quote(title)} matches ICP {quote(match.icp_title)}"
    elif match.score >= _CLOSE:
        reason = f"{what} {quote(title)} is close to ICP {quote(match.icp_title)} ({match.detail})"
    else:
        reason = (
            f"{what} {quote(title)} does not match ICP titles "
            f"(nearest {quote(match.icp_title)}: {match.detail})"
        )
    return Rule(match.score, TITLE_WEIGHT, reason, TITLE_MUST_MEET)


def _age_note(age_range: str | None) -> Rule | None:
    """No platform profile carries an age, so an ICP age range is noted, not scored."""
    if age_range is None:
        return None
    return Rule(None, 0.0, f"age not known: ICP age range {age_range} not scored")

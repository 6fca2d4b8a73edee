"""Smart enrichment's pre-score (spec §8.3): is a prospect worth paying providers for?

Cheap and ICP-free, from discovered data only: discovery already searched with the
campaign's criteria, so its relevance rank says how well the person matched; a profile
missing what the providers need (company, title) or long inactive is unlikely to become a
lead whatever the providers add. Weights sum to 1; the result is in [0, 1].
"""

from __future__ import annotations

import re

from leadgen_common.contracts.events import ProspectDiscovered
from leadgen_common.identifiers import normalize_domain

_SENIOR = re.compile(
    r"\b(chief|c[etfmior]o|vp|vice president|head|director|founder|owner|partner|president|"
    r"lead|principal|manager)\b",
    re.IGNORECASE,
)
#: Days without activity after which a profile counts as dormant.
DORMANT_AFTER_DAYS = 365


def prescore(discovered: ProspectDiscovered) -> float:
    profile = discovered.profile
    rank_share = discovered.rank / max(discovered.options.max_prospects, 1)
    relevance = max(0.0, 1.0 - rank_share)
    has_company = normalize_domain(profile.company_domain) is not None or bool(profile.company_name)
    seniority = 1.0 if profile.title and _SENIOR.search(profile.title) else 0.4
    completeness = sum(bool(v) for v in (profile.title, profile.location, profile.headline)) / 3
    return round(
        0.25 * relevance
        + 0.30 * has_company
        + 0.20 * (seniority if profile.title else 0.0)
        + 0.10 * completeness
        + 0.15 * _activity(profile.activity),
        4,
    )


def _activity(activity: dict) -> float:
    days = activity.get("last_active_days")
    if isinstance(days, int | float) and not isinstance(days, bool):
        if days >= DORMANT_AFTER_DAYS:
            return 0.0
        return 1.0 if days <= 30 else 0.6 if days <= 90 else 0.3
    return 0.5  # unknown: neither rewarded nor punished much

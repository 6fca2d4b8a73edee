"""How a prospect left the enrichment stage, for ``leadgen_enrichment_outcomes_total``
(spec §10.1's enrichment success rate: enriched / (enriched + not_found + failed)).

- ``skipped``: no waterfall, or not all of it: a gate (autoEnrich off, no domain, low
  pre-score), a cancelled campaign, a spent budget, or a suppressed person;
- ``enriched``: the waterfall added something to what was known;
- ``failed``: it added nothing and a provider failed or was rate limited, so the
  answer is unknown rather than negative;
- ``not_found``: it added nothing and every provider asked answered (no match).

Pure: the enricher passes what it knows at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from leadgen_common.contracts.events import Enrichment, ProviderCall

Outcome = Literal["enriched", "not_found", "failed", "skipped"]
OUTCOMES: tuple[Outcome, ...] = ("enriched", "not_found", "failed", "skipped")
#: Call statuses that leave the answer unknown.
UNANSWERED = frozenset({"failed", "rate_limited"})


def outcome(
    skipped: str | None, calls: Sequence[ProviderCall], before: Enrichment, after: Enrichment
) -> Outcome:
    """``skipped``: the enrichment_skipped reason (or suppressed), None if the waterfall
    ran to its end; ``before``/``after``: what was known before and after it ran."""
    if skipped is not None:
        return "skipped"
    if after != before:
        return "enriched"
    if any(call.status in UNANSWERED for call in calls):
        return "failed"
    return "not_found"

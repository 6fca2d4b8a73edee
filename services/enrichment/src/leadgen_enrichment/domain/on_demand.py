"""On-demand enrichment (pure): what a user's explicit ask starts from, what it publishes,
and how its job item ends.

The prospect comes from lead-writer's tables as it is now (:class:`Snapshot`). Fields the
user edited are kept (the waterfall neither asks for nor replaces them); fields an earlier
enrichment found and this one did not are carried over, so the published enrichment is
always the whole picture (lead-writer replaces ``enrichment_data`` with it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from leadgen_common.contracts.events import (
    CampaignOptions,
    CompanyData,
    Enrichment,
    ProspectDiscovered,
    ProspectEnriched,
    ProspectProfile,
)

#: Job item states (``enrichment_job_items.status``).
PENDING, DONE, FAILED = "pending", "done", "failed"
#: Reasons of a failed item that never reached a provider.
UNKNOWN_PROSPECT = "unknown_prospect"
ERASED = "erased"
#: Provenance of a value the user typed.
USER = "user"
#: Call statuses that mean the provider answered (possibly with nothing).
ANSWERED = frozenset({"success", "cached"})
#: Fields whose value describes another one: an email's status belongs to the address a
#: provider verified, not to one a user typed afterwards.
DESCRIBED_BY: dict[str, tuple[str, ...]] = {"email": ("email_status",)}


class Unavailable(LookupError):
    """The prospect cannot be enriched: ``reason`` is unknown_prospect or erased."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Snapshot:
    """A prospect as lead-writer holds it now, with its latest campaign."""

    prospect_id: uuid.UUID
    profile: ProspectProfile
    contact_info: Mapping[str, Any]
    enrichment: Enrichment
    """What earlier enrichment found (``enrichment_data``)."""
    edited_fields: frozenset[str]
    campaign_id: uuid.UUID
    options: CampaignOptions

    def as_discovered(self) -> ProspectDiscovered:
        """The enricher's input (the rank only feeds the pre-score, which an ask skips)."""
        return ProspectDiscovered(
            prospect_id=self.prospect_id,
            campaign_id=self.campaign_id,
            rank=0,
            profile=self.profile,
            options=self.options,
        )


def stale(edited: Iterable[str]) -> frozenset[str]:
    """Enrichment fields no provider value may fill: the edited ones and what describes them."""
    marked = set(edited)
    return frozenset(marked | {d for name in marked for d in DESCRIBED_BY.get(name, ())})


def user_values(snapshot: Snapshot) -> Enrichment:
    """The ``keep`` of the waterfall: the values of the enrichment fields the user edited."""
    edited = snapshot.edited_fields
    values: dict[str, Any] = {
        name: snapshot.contact_info.get(name)
        for name in ("email", "email_status")
        if name in edited and snapshot.contact_info.get(name)
    }
    if "company" in edited and snapshot.enrichment.company is not None:
        values["company"] = snapshot.enrichment.company
    return Enrichment(**values, provenance=dict.fromkeys(values, USER))


def carry_over(found: Enrichment, previous: Enrichment, edited: Iterable[str]) -> Enrichment:
    """``found`` plus what ``previous`` knew and ``found`` lacks, except what the user's
    edits made stale; every field keeps the provenance of the value it holds."""
    blocked = stale(edited)
    fields: dict[str, CompanyData | str | None] = {}
    provenance, provenance_at = dict(found.provenance), dict(found.provenance_at)
    for name in ("company", "email", "email_status"):
        value = getattr(found, name)
        if value is None and name not in blocked and getattr(previous, name) is not None:
            value = getattr(previous, name)
            provenance.pop(name, None)
            provenance_at.pop(name, None)
            if name in previous.provenance:
                provenance[name] = previous.provenance[name]
            if name in previous.provenance_at:
                provenance_at[name] = previous.provenance_at[name]
        fields[name] = value
    return Enrichment(**fields, provenance=provenance, provenance_at=provenance_at)


def outcome(enriched: ProspectEnriched) -> tuple[str, str | None]:
    """The item's status and, when it failed, why: skipped (campaign cancelled, budget
    spent) or every provider call failed. A provider that answered "unknown" is done."""
    if enriched.enrichment_skipped is not None:
        return FAILED, enriched.enrichment_skipped
    calls = enriched.provider_calls
    if calls and not any(call.status in ANSWERED for call in calls):
        failures = ", ".join(f"{c.provider} {c.operation}: {c.status}" for c in calls)
        return FAILED, f"provider_error ({failures})"
    return DONE, None

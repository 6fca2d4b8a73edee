"""What lead-writer decides about privacy (pure): which entry a team's opt-out adds, what
names a prospect event's person for the suppression check, and when enrichment already
withheld one."""

from __future__ import annotations

from typing import Any

from leadgen_common.contracts import Envelope
from leadgen_common.contracts.events import AddSuppression
from leadgen_common.suppression import (
    SUPPRESSED,
    USER_KINDS,
    Entry,
    Kind,
    entry,
    is_digest,
    profile_entries,
)

#: The events that would store a person, checked against their team's list first.
SCREENED = frozenset({"prospect.discovered", "prospect.enriched", "prospect.scored"})


class InvalidSuppression(ValueError):
    """The command names no entry a team may add."""


def requested_entry(command: AddSuppression) -> Entry:
    """The list entry of a team's opt-out: the digest the gateway sent, or the digest of a
    plain value (an older producer's)."""
    if command.kind not in USER_KINDS:
        raise InvalidSuppression(f"kind {command.kind!r} is not one of {list(USER_KINDS)}")
    if command.hashed:
        if not is_digest(command.value):
            raise InvalidSuppression("a hashed value is 64 lower-case hex digits")
        return Entry(Kind(command.kind), command.value)
    found = entry(command.kind, command.value)
    if found is None:
        raise InvalidSuppression(f"the value is not a {command.kind}")
    return found


def event_entries(envelope: Envelope[Any]) -> frozenset[Entry]:
    """What names the person of a prospect event: the profile, and any email found."""
    payload = envelope.payload
    enrichment = getattr(payload, "enrichment", None)
    return profile_entries(payload.profile, [enrichment.email if enrichment else None])


def withheld(envelope: Envelope[Any]) -> bool:
    """Enrichment found the person suppressed and published nothing about them."""
    return getattr(envelope.payload, "enrichment_skipped", None) == SUPPRESSED


def without_reasons(breakdown: dict[str, Any]) -> dict[str, Any]:
    """A score breakdown keeping each dimension's score, without the reasons (they quote
    the profile)."""
    return {name: {**dimension, "reasons": []} for name, dimension in breakdown.items()}

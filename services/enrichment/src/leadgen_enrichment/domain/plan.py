"""Decide what enrichment does for one discovered prospect (pure: no I/O).

The decision is made before any paid call, in the order of cheapest check first: the
campaign's options, then whether there is anything to look up. Whether the campaign was
cancelled needs a database read, so the handler asks that only of prospects this plan
would enrich, and turns it into ``Skip(CAMPAIGN_CANCELLED)``: no paid call, but still
published so the campaign's funnel completes.
"""

from __future__ import annotations

from dataclasses import dataclass

from leadgen_common.contracts.events import ProspectDiscovered
from leadgen_common.identifiers import normalize_domain

#: enrichment_skipped reasons (the contract's free-text field; lead-writer counts them).
AUTO_ENRICH_OFF = "auto_enrich_off"
NO_COMPANY_DOMAIN = "no_company_domain"
CAMPAIGN_CANCELLED = "campaign_cancelled"


@dataclass(frozen=True)
class Skip:
    """Publish the prospect unenriched, with ``reason`` as ``enrichment_skipped``."""

    reason: str


@dataclass(frozen=True)
class Enrich:
    """Look the employer up by its normalized web domain."""

    company_domain: str


Plan = Skip | Enrich


def plan(discovered: ProspectDiscovered) -> Plan:
    if not discovered.options.auto_enrich:
        return Skip(AUTO_ENRICH_OFF)
    domain = normalize_domain(discovered.profile.company_domain)
    if domain is None:
        return Skip(NO_COMPANY_DOMAIN)
    return Enrich(domain)

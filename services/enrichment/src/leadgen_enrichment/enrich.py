"""The enrichment stage for one prospect: plan, call providers, merge, build the event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from leadgen_common.contracts.events import ProspectDiscovered, ProspectEnriched, ProviderCall

from . import metrics
from .domain.merge import CompanyFinding, merge
from .domain.plan import CAMPAIGN_CANCELLED, Enrich, Skip, plan
from .ports import CampaignState, CompanyProvider


@dataclass(frozen=True)
class Enricher:
    providers: Sequence[CompanyProvider]
    """In priority order: the first provider with a value for a field wins it."""
    campaigns: CampaignState

    async def enrich(self, discovered: ProspectDiscovered) -> ProspectEnriched:
        decision = plan(discovered)
        if isinstance(decision, Enrich) and await self.campaigns.is_cancelled(
            discovered.campaign_id
        ):
            decision = Skip(CAMPAIGN_CANCELLED)
        findings, calls = [], []
        if isinstance(decision, Enrich):
            findings, calls = await self._look_up(decision.company_domain)
        skipped = decision.reason if isinstance(decision, Skip) else None
        metrics.PROSPECTS.labels(skipped or "none").inc()
        return ProspectEnriched(
            prospect_id=discovered.prospect_id,
            campaign_id=discovered.campaign_id,
            profile=discovered.profile,
            options=discovered.options,
            enrichment=merge(findings),
            enrichment_skipped=skipped,
            provider_calls=calls,
        )

    async def _look_up(self, domain: str) -> tuple[list[CompanyFinding], list[ProviderCall]]:
        findings, calls = [], []
        for provider in self.providers:
            lookup = await provider.find_company(domain)
            _observe(lookup.call)
            calls.append(lookup.call)
            findings.append(CompanyFinding(provider.name, lookup.company))
        return findings, calls


def _observe(call: ProviderCall) -> None:
    metrics.PROVIDER_CALLS.labels(call.provider, call.operation, call.status).inc()
    metrics.PROVIDER_COST.labels(call.provider, call.operation).inc(float(call.cost))
    metrics.PROVIDER_SECONDS.labels(call.provider, call.operation).observe(call.latency_ms / 1000)

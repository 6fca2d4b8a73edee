"""Merge what providers found into one :class:`Enrichment`, recording who filled each field.

Providers are given in priority order (the waterfall order of a later issue): the first
provider with a value for a field wins it. Provenance keys are dotted paths into
``Enrichment`` (``company.industry``) and values the provider's name, so a consumer can
tell which provider to trust or re-ask for each field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from leadgen_common.contracts.events import CompanyData, Enrichment


@dataclass(frozen=True)
class CompanyFinding:
    """What one provider said about the employer; ``company`` None when it knew nothing."""

    provider: str
    company: CompanyData | None


def _filled(value: Any) -> bool:
    return value is not None and value != [] and value != ""


def merge(findings: Sequence[CompanyFinding]) -> Enrichment:
    fields: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    for finding in findings:
        if finding.company is None:
            continue
        for name in CompanyData.model_fields:
            value = getattr(finding.company, name)
            if name not in fields and _filled(value):
                fields[name] = value
                provenance[f"company.{name}"] = finding.provider
    company = CompanyData(**fields) if fields else None
    return Enrichment(company=company, provenance=provenance)

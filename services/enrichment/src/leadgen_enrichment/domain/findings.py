"""What one provider operation found, and how findings fold into one :class:`Enrichment`.

The first finding (in waterfall order) with a value for a field wins it; provenance records
the provider and when it answered, so a consumer can tell whom to trust or re-ask.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadgen_common.contracts.events import CompanyData, Enrichment

#: Hunter's (and the contract's) email statuses.
EMAIL_STATUSES = frozenset({"valid", "invalid", "accept_all", "webmail", "disposable", "unknown"})


@dataclass(frozen=True)
class Finding:
    """Fields one provider answered with (None: it did not know)."""

    provider: str
    at: datetime
    company: CompanyData | None = None
    email: str | None = None
    email_status: str | None = None

    def filled(self) -> dict[str, Any]:
        values = {"company": self.company, "email": self.email, "email_status": self.email_status}
        return {name: value for name, value in values.items() if value is not None}

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "at": self.at.isoformat(),
            "company": self.company.model_dump(mode="json") if self.company else None,
            "email": self.email,
            "email_status": self.email_status,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        company = data.get("company")
        return cls(
            provider=data["provider"],
            at=datetime.fromisoformat(data["at"]),
            company=CompanyData.model_validate(company) if company else None,
            email=data.get("email"),
            email_status=data.get("email_status"),
        )


def email_status(value: Any) -> str | None:
    """A provider's status if it is one of ours, else None (not filled)."""
    return value if isinstance(value, str) and value in EMAIL_STATUSES else None


def fold(findings: Iterable[Finding], keep: Enrichment | None = None) -> Enrichment:
    """Merge findings in priority order; fields of ``keep`` (already known) are kept."""
    fields: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    provenance_at: dict[str, datetime] = {}
    if keep is not None:
        fields = {k: v for k, v in keep.model_dump().items() if k in _FIELDS and v is not None}
        provenance, provenance_at = dict(keep.provenance), dict(keep.provenance_at)
    for finding in findings:
        for name, value in finding.filled().items():
            if name in fields or (name == "email_status" and _of_another(finding, fields)):
                continue
            fields[name] = value
            provenance[name] = finding.provider
            provenance_at[name] = finding.at
    return Enrichment(**fields, provenance=provenance, provenance_at=provenance_at)


_FIELDS = ("company", "email", "email_status")


def _of_another(finding: Finding, fields: dict[str, Any]) -> bool:
    """A status describes the address it came with: not one already known otherwise."""
    known = fields.get("email")
    return (
        finding.email is not None
        and known is not None
        and finding.email.strip().lower() != known.strip().lower()
    )

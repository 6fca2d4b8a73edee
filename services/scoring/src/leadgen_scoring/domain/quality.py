"""qualityScore: confidence in the data itself, not in the match. A perfect ICP fit with
no company data, no verified email and no sign of life scores low here, and a clear
non-fit with a complete, fresh, verified record scores high."""

from __future__ import annotations

from leadgen_common.contracts import CompanyData, Enrichment, ProspectProfile

from .activity import signal
from .rules import DECIMALS

COMPLETENESS, EMAIL, COMPANY, FRESHNESS = 0.4, 0.25, 0.2, 0.15

#: Profile fields and how much each says about a person.
_PROFILE_FIELDS = (
    ("title", 0.25),
    ("company_name", 0.2),
    ("location", 0.15),
    ("headline", 0.1),
    ("summary", 0.1),
    ("industry", 0.05),
    ("company_domain", 0.1),
    ("skills", 0.05),
)
#: Hunter-style verification statuses: how far an address can be trusted.
_EMAIL_CONFIDENCE = {
    "valid": 1.0,
    "accept_all": 0.6,
    "webmail": 0.5,
    "unknown": 0.3,
    "invalid": 0.0,
    "disposable": 0.0,
}
_COMPANY_FIELDS = ("industry", "employees", "location", "domain")
#: Days since last seen active -> freshness; unknown activity is stale-ish.
_FRESH_DAYS, _STALE_DAYS, _UNKNOWN_FRESHNESS = 30, 365, 0.3


def quality_score(profile: ProspectProfile, enrichment: Enrichment) -> float:
    value = (
        COMPLETENESS * _completeness(profile)
        + EMAIL * _email(enrichment)
        + COMPANY * _company(enrichment.company)
        + FRESHNESS * _freshness(profile)
    )
    return round(min(1.0, max(0.0, value)), DECIMALS)


def _completeness(profile: ProspectProfile) -> float:
    return sum(weight for name, weight in _PROFILE_FIELDS if _present(getattr(profile, name)))


def _present(value: str | list[str] | None) -> bool:
    return bool(value.strip() if isinstance(value, str) else value)


def _email(enrichment: Enrichment) -> float:
    if not _present(enrichment.email):
        return 0.0
    status = (enrichment.email_status or "unknown").strip().lower()
    return _EMAIL_CONFIDENCE.get(status, _EMAIL_CONFIDENCE["unknown"])


def _company(company: CompanyData | None) -> float:
    if company is None:
        return 0.0
    known = sum(1 for name in _COMPANY_FIELDS if getattr(company, name) not in (None, ""))
    if company.employees is None and company.employees_range:
        known += 1
    return known / len(_COMPANY_FIELDS)


def _freshness(profile: ProspectProfile) -> float:
    days = signal(profile.activity, "last_active_days")
    if days is None:
        return _UNKNOWN_FRESHNESS
    if days <= _FRESH_DAYS:
        return 1.0
    return max(0.0, 1.0 - (days - _FRESH_DAYS) / (_STALE_DAYS - _FRESH_DAYS))

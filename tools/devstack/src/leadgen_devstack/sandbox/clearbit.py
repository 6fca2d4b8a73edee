"""Clearbit-shaped Company API over the synthetic companies.

Mounted under ``/clearbit`` (so ``{SANDBOX_URL}/clearbit`` stands in for
``https://company.clearbit.com``); every route needs ``Authorization: Bearer <key>``.

``GET /clearbit/v2/companies/find?domain=acme.io``
    200 with the company in Clearbit's field names: ``id``, ``name``, ``legalName``,
    ``domain``, ``domainAliases``, ``site``, ``category`` {``sector``, ``industryGroup``,
    ``industry``, ``subIndustry``, ``sicCode``, ``naicsCode``}, ``tags``, ``description``,
    ``foundedYear``, ``location``, ``timeZone``, ``utcOffset``, ``geo`` {``streetNumber``,
    ``streetName``, ``subPremise``, ``city``, ``postalCode``, ``state``, ``stateCode``,
    ``country``, ``countryCode``, ``lat``, ``lng``}, ``logo``, ``facebook``, ``linkedin``,
    ``twitter``, ``crunchbase``, ``emailProvider``, ``type``, ``ticker``, ``identifiers``,
    ``phone``, ``metrics`` {``alexaUsRank``, ``alexaGlobalRank``, ``trafficRank``,
    ``employees``, ``employeesRange``, ``marketCap``, ``raised``, ``annualRevenue``,
    ``estimatedAnnualRevenue``, ``fiscalYearEnd``}, ``indexedAt``, ``tech``,
    ``techCategories``, ``parent``, ``ultimateParent``.
    The domain is matched case-insensitively, with any scheme, ``www.`` or path removed.
    404 ``{"error": {"type": "unknown_record", "message"}}`` for an unknown domain;
    422 ``{"error": {"type": "missing_field" | "invalid_domain", "message"}}`` when the
    domain is missing or malformed.

``category.industry`` uses the population's industry names (Software, SaaS, Cloud
Computing, Cybersecurity, Fintech, ...), the same the LinkedIn sandbox reports, so an
ICP's industries compare directly.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from .industries import clearbit_employees_range, clearbit_revenue_range
from .population import Company, Population
from .provider import Provider, ProviderError

NAME = "clearbit"
#: Fixed so records are the same on every run (Clearbit reports when it last refreshed).
INDEXED_AT = "2025-01-15T00:00:00.000Z"
_ID_NAMESPACE = uuid.UUID("6f0c6f2e-4d8a-5c1b-9a53-2f0c1e7d4b10")

_ERROR_TYPES = {
    "unauthorized": "auth_required",
    "rate_limit": "rate_limit",
    "not_found": "unknown_record",
    "invalid_params": "params_invalid",
}


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    return {"error": {"type": _ERROR_TYPES.get(code, code), "message": message}}


def normalise_domain(value: str) -> str:
    """ "https://www.Acme.io/about" -> "acme.io"."""
    host = value.strip().lower()
    host = host.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0]
    return host.removeprefix("www.").rstrip(".")


def company_record(company: Company) -> dict[str, Any]:
    """A company in Clearbit's Company API field names."""
    industry, country, city = company.industry, company.country, company.city
    number, _, street = company.street_address.partition(" ")
    handle = company.domain.split(".")[0]
    return {
        "id": str(uuid.uuid5(_ID_NAMESPACE, company.domain)),
        "name": company.name,
        "legalName": f"{company.name} {country.legal_suffix}",
        "domain": company.domain,
        "domainAliases": [],
        "site": {"phoneNumbers": [], "emailAddresses": [f"info@{company.domain}"]},
        "category": {
            "sector": industry.sector,
            "industryGroup": industry.industry_group,
            "industry": industry.name,
            "subIndustry": industry.sub_industry,
            "sicCode": industry.sic_code,
            "naicsCode": industry.naics_code,
        },
        "tags": list(company.tags),
        "description": company.description,
        "foundedYear": company.founded_year,
        "location": f"{company.street_address}, {city.name}, {city.region}, {country.name}",
        "timeZone": country.time_zone,
        "utcOffset": country.utc_offset,
        "geo": {
            "streetNumber": number,
            "streetName": street,
            "subPremise": None,
            "city": city.name,
            "postalCode": city.postal_code,
            "state": city.region,
            "stateCode": city.region_code,
            "country": country.name,
            "countryCode": country.code,
            "lat": city.lat,
            "lng": city.lng,
        },
        "logo": f"https://logo.clearbit.com/{company.domain}",
        "facebook": {"handle": None},
        "linkedin": {"handle": f"company/{handle}"},
        "twitter": {"handle": handle, "id": None, "followers": None, "following": None},
        "crunchbase": {"handle": f"organization/{handle}" if company.raised else None},
        "emailProvider": False,
        "type": "private",
        "ticker": None,
        "identifiers": {"usEIN": None},
        "phone": None,
        "metrics": {
            "alexaUsRank": None,
            "alexaGlobalRank": None,
            "trafficRank": None,
            "employees": company.employees,
            "employeesRange": clearbit_employees_range(company.employees),
            "marketCap": None,
            "raised": company.raised or None,
            "annualRevenue": None,
            "estimatedAnnualRevenue": clearbit_revenue_range(company.annual_revenue),
            "fiscalYearEnd": 12,
        },
        "indexedAt": INDEXED_AT,
        "tech": [slug for slug, _ in company.tech],
        "techCategories": sorted({category for _, category in company.tech}),
        "parent": {"domain": None},
        "ultimateParent": {"domain": None},
    }


def provider(population: Population) -> Provider:
    router = APIRouter(prefix="/v2")

    @router.get("/companies/find")
    def find_company(domain: str | None = None) -> dict[str, Any]:
        if domain is None or not domain.strip():
            raise ProviderError(422, error_body(422, "missing_field", "domain is required"))
        key = normalise_domain(domain)
        if "." not in key or " " in key:
            message = f"{domain!r} is not a valid domain"
            raise ProviderError(422, error_body(422, "invalid_domain", message))
        company = population.company_by_domain.get(key)
        if company is None:
            raise ProviderError(404, error_body(404, "not_found", f"Unknown domain {key}"))
        return company_record(company)

    return Provider(name=NAME, router=router, error_body=error_body, validation_status=422)

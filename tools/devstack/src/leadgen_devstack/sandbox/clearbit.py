"""Clearbit-shaped Company, Person and Combined APIs over the synthetic population.

Mounted under ``/clearbit`` (so ``{SANDBOX_URL}/clearbit`` stands in for
``https://company.clearbit.com`` and ``https://person.clearbit.com``); every route needs
``Authorization: Bearer <key>`` (or HTTP Basic with the key as user name).

``GET /clearbit/v2/people/find?email=`` (documented: Person API)
    200 with the person in Clearbit's field names (``id``, ``name`` {``fullName``,
    ``givenName``, ``familyName``}, ``email``, ``location``, ``timeZone``, ``utcOffset``,
    ``geo``, ``bio``, ``site``, ``avatar``, ``employment`` {``domain``, ``name``, ``title``,
    ``role``, ``subRole``, ``seniority``}, ``facebook``, ``github``, ``twitter``,
    ``linkedin``, ``googleplus``, ``gravatar``, ``fuzzy``, ``emailProvider``,
    ``indexedAt``); 404 ``unknown_record``; 422 ``email_invalid``. A miss is not billed.
``GET /clearbit/v2/combined/find?email=`` (documented: Combined API)
    ``{"person": ..., "company": ...}`` (company null for a webmail address).

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

from fastapi import APIRouter, Request

from .context import Context
from .emails import WEBMAIL, normalise
from .industries import clearbit_employees_range, clearbit_revenue_range
from .provider import Credential, Provider, ProviderError, basic_user, bearer_key, bill
from .render import Company, Person

NAME = "clearbit"
#: Fixed so records are the same on every run (Clearbit reports when it last refreshed).
INDEXED_AT = "2025-01-15T00:00:00.000Z"
_ID_NAMESPACE = uuid.UUID("6f0c6f2e-4d8a-5c1b-9a53-2f0c1e7d4b10")

_ERROR_TYPES = {
    "unauthorized": "auth_required",
    "rate_limit": "rate_limit",
    "not_found": "unknown_record",
    "invalid_params": "params_invalid",
    "server_error": "api_error",
    "unavailable": "api_error",
    "timeout": "api_error",
}
#: Our function -> Clearbit employment (role, subRole); seniority -> Clearbit seniority.
_ROLES = {
    "Executive": ("leadership", "ceo"), "Engineering": ("engineering", "software_engineer"),
    "Product": ("product", "product_manager"), "Data": ("engineering", "data_science"),
    "Design": ("design", "ux_designer"), "IT": ("information_technology", "it"),
    "Security": ("information_technology", "security"), "Sales": ("sales", "account_executive"),
    "Customer Success": ("customer_service", "customer_success"),
    "Marketing": ("marketing", "marketing_manager"), "Finance": ("finance", "accounting"),
    "HR": ("human_resources", "recruiting"), "Operations": ("operations", "logistics"),
    "Legal": ("legal", "legal_counsel"),
}  # fmt: skip
_SENIORITY = {"C-level": "executive", "VP": "executive", "Director": "director",
              "Head": "director", "Manager": "manager"}  # fmt: skip


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


def person_record(person: Person, email: str, context: Context) -> dict[str, Any]:
    """A person in Clearbit's Person API field names."""
    city, country, company = person.city, person.country, person.company
    role, sub_role = _ROLES[person.role.function]
    handle = person.slug.replace("-", "")
    person_id = str(uuid.uuid5(_ID_NAMESPACE, f"person:{person.index}"))
    return {
        "id": person_id,
        "name": {
            "fullName": f"{person.first_name} {person.last_name}",
            "givenName": person.first_name,
            "familyName": person.last_name,
        },
        "email": email,
        "location": f"{city.name}, {city.region_code}, {country.code}",
        "timeZone": country.time_zone,
        "utcOffset": country.utc_offset,
        "geo": {
            "city": city.name,
            "state": city.region,
            "stateCode": city.region_code,
            "country": country.name,
            "countryCode": country.code,
            "lat": city.lat,
            "lng": city.lng,
        },
        "bio": person.headline,
        "site": None,
        "avatar": f"https://d1ts43dypk8bqh.cloudfront.net/v1/avatars/{person_id}",
        "employment": {
            "domain": company.domain,
            "name": company.name,
            "title": person.title,
            "role": role,
            "subRole": sub_role,
            "seniority": _SENIORITY.get(person.role.seniority),
        },
        "facebook": {"handle": handle if person.on_facebook else None},
        "github": {
            "handle": None,
            "id": None,
            "avatar": None,
            "company": None,
            "blog": None,
            "followers": None,
            "following": None,
        },  # fmt: skip
        "twitter": {
            "handle": handle if person.on_x else None,
            "id": None,
            "bio": None,
            "followers": None,
            "following": None,
            "statuses": None,
            "favorites": None,
            "location": None,
            "site": None,
            "avatar": None,
        },  # fmt: skip
        "linkedin": {"handle": f"in/{_vanity(person)}"},
        "googleplus": {"handle": None},
        "gravatar": {"handle": None, "urls": [], "avatar": None, "avatars": []},
        "fuzzy": False,
        "emailProvider": email.rpartition("@")[2] in WEBMAIL,
        "indexedAt": INDEXED_AT,
    }


def _vanity(person: Person) -> str:
    from .linkedin import vanity_name

    return vanity_name(person)


def credential_reader(context: Context):
    async def read(request: Request) -> Credential | None:
        authorization = request.headers.get("authorization")
        key = bearer_key(authorization) or (basic_user(authorization) or (None, None))[0]
        if key is None:
            return None
        if not context.keys.accepts(key):
            raise ProviderError(401, error_body(401, "unauthorized", "Invalid API key"))
        return Credential(key)

    return read


def _email_param(email: str | None) -> str:
    if email is None or not email.strip():
        raise ProviderError(422, error_body(422, "missing_field", "email is required"))
    email = normalise(email)
    local, at, domain = email.rpartition("@")
    if not at or not local or "." not in domain:
        raise ProviderError(
            422, error_body(422, "email_invalid", f"{email!r} is not a valid email")
        )
    return email


def provider(context: Context) -> Provider:
    population = context.population
    router = APIRouter(prefix="/v2")

    @router.get("/companies/find")
    def find_company(request: Request, domain: str | None = None) -> dict[str, Any]:
        if domain is None or not domain.strip():
            raise ProviderError(422, error_body(422, "missing_field", "domain is required"))
        key = normalise_domain(domain)
        if "." not in key or " " in key:
            message = f"{domain!r} is not a valid domain"
            raise ProviderError(422, error_body(422, "invalid_domain", message))
        company = population.company_by_domain(key)
        bill(request, "clearbit.company", billable=company is not None)
        if company is None:
            raise ProviderError(404, error_body(404, "not_found", f"Unknown domain {key}"))
        return company_record(company)

    def person_of(email: str) -> Person:
        index = context.emails.person_by_email(email)
        if index is None:
            raise ProviderError(404, error_body(404, "not_found", "Unknown email address"))
        return population.person(index)

    @router.get("/people/find")
    def find_person(request: Request, email: str | None = None) -> dict[str, Any]:
        address = _email_param(email)
        bill(request, "clearbit.person", billable=False)
        person = person_of(address)
        bill(request, "clearbit.person")
        return person_record(person, address, context)

    @router.get("/combined/find")
    def find_combined(request: Request, email: str | None = None) -> dict[str, Any]:
        address = _email_param(email)
        bill(request, "clearbit.combined", billable=False)
        person = person_of(address)
        bill(request, "clearbit.combined")
        webmail = address.rpartition("@")[2] in WEBMAIL
        return {
            "person": person_record(person, address, context),
            "company": None if webmail else company_record(person.company),
        }

    return Provider(
        name=NAME,
        router=router,
        error_body=error_body,
        credential=credential_reader(context),
        validation_status=422,
    )

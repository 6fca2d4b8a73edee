"""Apollo-shaped People Enrichment (people match) over the population.

Mounted under ``/apollo`` (``{SANDBOX_URL}/apollo`` stands in for ``https://api.apollo.io``);
the key goes in the ``X-Api-Key`` header.

``POST /apollo/api/v1/people/match`` (documented)
    Identifies one person from any of ``id``, ``email``, ``hashed_email``, ``linkedin_url``,
    or ``first_name`` + ``last_name`` (or ``name``) with ``domain`` or
    ``organization_name``; parameters in the query string or a JSON body, as Apollo takes
    them. ``reveal_personal_emails=true`` adds ``personal_emails``. Returns
    ``{"person": {...}}`` in Apollo's field names (``id``, ``first_name``, ``last_name``,
    ``name``, ``linkedin_url``, ``title``, ``email_status``, ``email``, ``headline``,
    ``employment_history``, ``organization`` {``id``, ``name``, ``primary_domain``,
    ``industry``, ``estimated_num_employees``, ...}, ``seniority``, ``departments``, ...);
    ``{"person": null}`` when nobody matches, not billed.

Errors: ``{"error", "error_code"}`` (401 ``INVALID_API_KEY``, 422 ``MISSING_PARAMS``,
429 ``RATE_LIMITED``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import APIRouter, Request

from .context import Context
from .emails import sha256
from .provider import Credential, Provider, ProviderError, bill
from .render import Company, Person
from .shared_tables import text_key

NAME = "apollo"
_CODES = {
    "unauthorized": "INVALID_API_KEY",
    "rate_limit": "RATE_LIMITED",
    "invalid_params": "MISSING_PARAMS",
    "server_error": "INTERNAL_ERROR",
    "unavailable": "SERVICE_UNAVAILABLE",
    "timeout": "TIMEOUT",
}
_EMAIL_STATUS = {"valid": "verified", "accept_all": "unverified", "unknown": "unverified",
                 "invalid": "unavailable"}  # fmt: skip
_SENIORITY = {"C-level": "c_suite", "VP": "vp", "Director": "director", "Head": "head",
              "Manager": "manager", "Senior IC": "senior", "IC": "entry"}  # fmt: skip
_DEPARTMENTS = {
    "Executive": "c_suite", "Engineering": "engineering_technical",
    "Product": "product_management", "Data": "data_science", "Design": "design",
    "IT": "information_technology", "Security": "information_technology", "Sales": "sales",
    "Customer Success": "support", "Marketing": "marketing", "Finance": "finance",
    "HR": "human_resources", "Operations": "operations", "Legal": "legal",
}  # fmt: skip


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    return {"error": message, "error_code": _CODES.get(code, code.upper())}


def _object_id(kind: str, index: int) -> str:
    """A 24-hex-digit id like Apollo's (MongoDB ObjectIds)."""
    return hashlib.sha1(f"{kind}:{index}".encode()).hexdigest()[:24]


def credential_reader(context: Context):
    async def read(request: Request) -> Credential | None:
        key = request.headers.get("x-api-key") or request.query_params.get("api_key")
        if not key:
            return None
        if not context.keys.accepts(key):
            raise ProviderError(401, error_body(401, "unauthorized", "Invalid access credentials."))
        return Credential(key)

    return read


async def _params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    body = await request.body()
    if body:
        try:
            parsed = json.loads(body)
        except ValueError as exc:
            raise ProviderError(400, error_body(400, "invalid_params", "body is not JSON")) from exc
        if isinstance(parsed, dict):
            params.update(parsed)
    return params


def provider(context: Context) -> Provider:
    population, emails = context.population, context.emails
    router = APIRouter(prefix="/api/v1")

    def match(params: dict[str, Any]) -> int | None:
        if params.get("id"):
            return _person_index(str(params["id"]), population.size)
        if params.get("email"):
            return emails.person_by_email(str(params["email"]))
        if params.get("hashed_email"):
            return emails.by_sha256.get(str(params["hashed_email"]).lower())
        if params.get("linkedin_url"):
            from .hunter import _by_handle

            return _by_handle(context, str(params["linkedin_url"]))
        first, last = params.get("first_name"), params.get("last_name")
        if params.get("name") and not (first and last):
            first, _, last = str(params["name"]).strip().partition(" ")
        domain = params.get("domain") or _domain_of(context, params.get("organization_name"))
        if first and last and domain:
            return emails.find(str(domain), str(first), str(last))
        raise ProviderError(
            422,
            error_body(
                422,
                "invalid_params",
                "Please provide an id, email, hashed_email, linkedin_url, or a name with a "
                "domain or organization_name",
            ),
        )

    @router.post("/people/match")
    async def people_match(request: Request) -> dict[str, Any]:
        params = await _params(request)
        index = match(params)
        bill(request, "apollo.people_match", billable=index is not None)
        if index is None:
            return {"person": None}
        reveal = str(params.get("reveal_personal_emails", "")).lower() in ("true", "1")
        return {"person": person_record(context, population.person(index), reveal)}

    return Provider(
        name=NAME,
        router=router,
        error_body=error_body,
        credential=credential_reader(context),
        validation_status=422,
    )


_FACTOR = 2_654_435_761


def person_id(index: int) -> str:
    """Apollo-looking id (24 hex digits) whose first 8 digits give the index back."""
    return f"{index * _FACTOR % 2**32:08x}{_object_id('person', index)[:16]}"


def _person_index(value: str, size: int) -> int | None:
    try:
        index = int(value[:8], 16) * pow(_FACTOR, -1, 2**32) % 2**32
    except ValueError:
        return None
    return index if index < size and person_id(index) == value else None


def _domain_of(context: Context, organization: Any) -> str | None:
    if not organization:
        return None
    wanted = text_key(str(organization))
    columns = context.population.company_columns
    return next(
        (d for n, d in zip(columns.name, columns.domain, strict=True) if text_key(n) == wanted),
        None,
    )


def organization_record(company: Company) -> dict[str, Any]:
    handle = company.domain.split(".")[0]
    return {
        "id": _object_id("organization", company.index),
        "name": company.name,
        "website_url": f"http://www.{company.domain}",
        "linkedin_url": f"http://www.linkedin.com/company/{handle}",
        "twitter_url": f"https://twitter.com/{handle}",
        "facebook_url": None,
        "primary_phone": {},
        "founded_year": company.founded_year,
        "logo_url": f"https://logo.clearbit.com/{company.domain}",
        "primary_domain": company.domain,
        "industry": company.industry.name.lower(),
        "keywords": [tag.lower() for tag in company.tags],
        "estimated_num_employees": company.employees,
        "industries": [company.industry.name.lower()],
        "raw_address": f"{company.street_address}, {company.city.name}, {company.country.name}",
        "street_address": company.street_address,
        "city": company.city.name,
        "state": company.city.region,
        "postal_code": company.city.postal_code,
        "country": company.country.name,
        "short_description": company.description,
        "annual_revenue": company.annual_revenue,
        "total_funding": company.raised or None,
        "technology_names": [slug.replace("_", " ").title() for slug, _ in company.tech],
    }


def person_record(context: Context, person: Person, reveal: bool) -> dict[str, Any]:
    from .linkedin import vanity_name

    status, _ = context.emails.work_status(person.index)
    company = person.company
    personal = context.emails.personal_email(person.index)
    history = [
        {
            "_id": _object_id(f"job:{person.index}", n),
            "current": position.end_year is None,
            "end_date": None if position.end_year is None else f"{position.end_year}-01-01",
            "organization_id": _object_id("organization", position.company.index),
            "organization_name": position.company.name,
            "start_date": f"{position.start_year}-{position.start_month:02d}-01",
            "title": position.title,
        }
        for n, position in enumerate(person.positions)
    ]
    return {
        "id": person_id(person.index),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "name": f"{person.first_name} {person.last_name}",
        "linkedin_url": f"http://www.linkedin.com/in/{vanity_name(person)}",
        "title": person.title,
        "email_status": _EMAIL_STATUS[status],
        "photo_url": None,
        "twitter_url": None,
        "github_url": None,
        "facebook_url": None,
        "extrapolated_email_confidence": None,
        "headline": person.headline,
        "email": context.emails.work_email(person.index),
        "organization_id": _object_id("organization", company.index),
        "employment_history": history,
        "state": person.city.region,
        "city": person.city.name,
        "country": person.country.name,
        "organization": organization_record(company),
        "departments": [_DEPARTMENTS[person.role.function]],
        "subdepartments": [],
        "seniority": _SENIORITY[person.role.seniority],
        "functions": [_DEPARTMENTS[person.role.function]],
        "personal_emails": [personal] if reveal and personal else [],
        "hashed_email": sha256(context.emails.work_email(person.index)),
    }

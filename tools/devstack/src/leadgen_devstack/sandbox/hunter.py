"""Hunter-shaped Email Finder and Email Verifier over the population's addresses.

Mounted under ``/hunter`` (``{SANDBOX_URL}/hunter`` stands in for ``https://api.hunter.io``);
the key goes in ``api_key`` (query), ``X-API-KEY`` or ``Authorization: Bearer``.

``GET /hunter/v2/email-finder`` (documented)
    ``domain`` (or ``company``, a company name), and ``first_name`` + ``last_name`` (or
    ``full_name``), or ``linkedin_handle`` -> ``{"data": {first_name, last_name, email,
    score, domain, accept_all, position, twitter, linkedin_url, phone_number, company,
    sources, verification {date, status}}, "meta": {"params"}}``. Nobody by that name:
    the same shape with ``email`` and ``score`` null, and not billed (modeled: Hunter
    does not charge a search without a result).
``GET /hunter/v2/email-verifier?email=`` (documented)
    ``{"data": {status, result, _deprecation_notice, score, email, regexp, gibberish,
    disposable, webmail, mx_records, smtp_server, smtp_check, accept_all, block, sources},
    "meta": {"params": {"email"}}}``; ``status`` is valid, invalid, accept_all, webmail,
    disposable or unknown (emails.py says which address gets which).

Errors follow Hunter: ``{"errors": [{"id", "code", "details"}]}`` (400 ``wrong_params``,
401 ``authentication_failed``, 429 ``too_many_requests``).
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from fastapi import APIRouter, Request

from .context import Context
from .emails import Verdict
from .provider import Credential, Provider, ProviderError, bearer_key, bill
from .render import Person
from .shared_tables import text_key

NAME = "hunter"
VERIFIED_ON = "2025-01-10"
_ERROR_IDS = {
    "unauthorized": ("authentication_failed", "No user found for the API key supplied"),
    "rate_limit": ("too_many_requests", None),
    "invalid_params": ("wrong_params", None),
    "server_error": ("internal_error", None),
    "unavailable": ("service_unavailable", None),
    "timeout": ("timeout", None),
}
_RESULTS = {"valid": "deliverable", "invalid": "undeliverable"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z0-9-]{2,}$")


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    error_id, details = _ERROR_IDS.get(code, (code, None))
    return {"errors": [{"id": error_id, "code": status, "details": details or message}]}


def _wrong(details: str) -> ProviderError:
    return ProviderError(400, error_body(400, "invalid_params", details))


def credential_reader(context: Context):
    async def read(request: Request) -> Credential | None:
        key = (
            request.query_params.get("api_key")
            or request.headers.get("x-api-key")
            or bearer_key(request.headers.get("authorization"))
        )
        if not key:
            return None
        if not context.keys.accepts(key):
            raise ProviderError(401, error_body(401, "unauthorized", ""))
        return Credential(key)

    return read


def _sources(domain: str, index: int) -> list[dict[str, Any]]:
    return [
        {
            "domain": domain,
            "uri": f"https://{domain}/team",
            "extracted_on": f"2024-{index % 12 + 1:02d}-{index % 27 + 1:02d}",
            "last_seen_on": "2025-01-08",
            "still_on_page": True,
        }
    ]


class _Companies:
    def __init__(self, context: Context) -> None:
        self.context = context

    @cached_property
    def by_name(self) -> dict[str, int]:
        names = self.context.population.company_columns.name
        table: dict[str, int] = {}
        for index, name in enumerate(names):
            table.setdefault(text_key(name), index)
        return table


def provider(context: Context) -> Provider:
    population, emails = context.population, context.emails
    companies = _Companies(context)
    router = APIRouter(prefix="/v2")

    @router.get("/email-finder")
    def email_finder(
        request: Request,
        domain: str | None = None,
        company: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        full_name: str | None = None,
        linkedin_handle: str | None = None,
        max_duration: int | None = None,
    ) -> dict[str, Any]:
        params = {
            "first_name": first_name, "last_name": last_name, "full_name": full_name,
            "domain": domain, "company": company, "max_duration": max_duration,
        }  # fmt: skip
        if linkedin_handle:
            index = _by_handle(context, linkedin_handle)
        else:
            if not domain and not company:
                raise _wrong("You are missing the domain parameter")
            if full_name and not (first_name and last_name):
                first_name, _, last_name = full_name.strip().partition(" ")
            if not first_name or not last_name:
                raise _wrong(
                    "You are missing the first_name and last_name (or full_name) parameters"
                )
            if not domain:
                found = companies.by_name.get(text_key(company or ""))
                domain = population.company_columns.domain[found] if found is not None else None
            index = emails.find(domain, first_name, last_name) if domain else None
        bill(request, "hunter.email_finder", billable=index is not None)
        if index is None:
            return {
                "data": _miss(first_name, last_name, domain, company),
                "meta": {"params": params},
            }
        return {"data": _found(context, population.person(index)), "meta": {"params": params}}

    @router.get("/email-verifier")
    def email_verifier(request: Request, email: str | None = None) -> dict[str, Any]:
        if not email or not email.strip():
            raise _wrong("You are missing the email parameter")
        bill(request, "hunter.email_verifier")
        return {"data": verification(emails.verify(email)), "meta": {"params": {"email": email}}}

    return Provider(
        name=NAME,
        router=router,
        error_body=error_body,
        credential=credential_reader(context),
        validation_status=400,
    )


def _by_handle(context: Context, handle: str) -> int | None:
    from .linkedin import vanity_name

    vanity = handle.strip().rstrip("/").rpartition("/")[2]
    try:
        scrambled = int(vanity.rpartition("-")[2], 16)
    except ValueError:
        return None
    index = scrambled * pow(2_654_435_761, -1, 2**32) % 2**32
    if index >= context.population.size:
        return None
    return index if vanity_name(context.population.person(index)) == vanity else None


def _found(context: Context, person: Person) -> dict[str, Any]:
    from .linkedin import vanity_name

    email = context.emails.work_email(person.index)
    status, score = context.emails.work_status(person.index)
    company = person.company
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": email,
        "score": score,
        "domain": company.domain,
        "accept_all": company.accepts_all,
        "position": person.title,
        "twitter": person.slug.replace("-", "") if person.on_x else None,
        "linkedin_url": f"https://www.linkedin.com/in/{vanity_name(person)}",
        "phone_number": None,
        "company": company.name,
        "sources": _sources(company.domain, person.index),
        "verification": {"date": VERIFIED_ON, "status": status},
    }


def _miss(first: str | None, last: str | None, domain: str | None, company: str | None) -> dict:
    return {
        "first_name": first, "last_name": last, "email": None, "score": None,
        "domain": domain, "accept_all": None, "position": None, "twitter": None,
        "linkedin_url": None, "phone_number": None, "company": company, "sources": [],
        "verification": {"date": None, "status": None},
    }  # fmt: skip


def verification(verdict: Verdict) -> dict[str, Any]:
    status = verdict.status
    well_formed = bool(_EMAIL.match(verdict.email))
    known_domain = verdict.company is not None or status in ("webmail", "disposable")
    return {
        "status": status,
        "result": _RESULTS.get(status, "risky"),
        "_deprecation_notice": "Using result is deprecated, use status instead",
        "score": verdict.score,
        "email": verdict.email,
        "regexp": well_formed,
        "gibberish": False,
        "disposable": status == "disposable",
        "webmail": status == "webmail",
        "mx_records": known_domain,
        "smtp_server": known_domain,
        "smtp_check": status in ("valid", "webmail"),
        "accept_all": status == "accept_all",
        "block": False,
        "sources": _sources(verdict.email.rpartition("@")[2], verdict.person or 0)
        if verdict.person is not None
        else [],
    }

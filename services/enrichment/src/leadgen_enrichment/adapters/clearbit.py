"""Clearbit's Company API (``GET /v2/companies/find?domain=``) and Combined (person) API
(``GET /v2/combined/find?email=``), or the sandbox's copies of them.

Billing follows Clearbit's rule that a company lookup answered 200, 201, 202 or 404 counts
as a request (a person lookup only when found) unless the answer's ``X-Sandbox-Cost`` says
otherwise; an auth error, a rejected input (422), a 429 or a 5xx/timeout that we gave up on
costs nothing. Every outcome is a :class:`ProviderCall`; the adapter never raises for
provider trouble.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from leadgen_common.contracts.events import CompanyData
from pydantic import SecretStr

from ..domain.findings import Finding
from ..ports import CompanyLookup, Lookup
from .provider_http import FAILED, SUCCESS, ProviderHttp, Sent, json_object

logger = logging.getLogger(__name__)

PROVIDER = "clearbit"
OPERATION = "company"
PERSON_OPERATION = "person"
BUCKET = "clearbit:enrich"
COMPANY_FIND_PATH = "/v2/companies/find"
COMBINED_FIND_PATH = "/v2/combined/find"
#: Statuses Clearbit bills (help.clearbit.com, "What counts as an Enrichment API request?").
BILLED = frozenset({200, 201, 202, 404})


class ClearbitClient:
    name = PROVIDER

    def __init__(
        self,
        api: ProviderHttp,
        *,
        base_url: str,
        api_key: SecretStr,
        company_cost: Decimal,
        person_cost: Decimal,
    ) -> None:
        self.api = api
        self.base = base_url.rstrip("/")
        self.api_key = api_key
        self.company_cost = company_cost
        self.person_cost = person_cost

    def _get(self, path: str, params: dict[str, str]):
        headers = {"Authorization": f"Bearer {self.api_key.get_secret_value()}"}
        return lambda: self.api.http.get(self.base + path, params=params, headers=headers)

    async def find_company(self, domain: str) -> CompanyLookup:
        sent = await self.api.send(BUCKET, self._get(COMPANY_FIND_PATH, {"domain": domain}))
        status, company = _company_outcome(sent)
        billed = sent.response is not None and sent.response.status_code in BILLED
        call = self.api.ledger(OPERATION, sent, status, billed=billed, price=self.company_cost)
        return CompanyLookup(call=call, company=company)

    async def company(self, domain: str) -> Lookup:
        found = await self.find_company(domain)
        finding = Finding(PROVIDER, _now(), company=found.company) if found.company else None
        return Lookup(found.call, finding)

    async def person(self, email: str) -> Lookup:
        sent = await self.api.send(BUCKET, self._get(COMBINED_FIND_PATH, {"email": email}))
        status, company, billed = FAILED, None, False
        if sent.response is not None:
            code = sent.response.status_code
            body = json_object(sent.response) if code == 200 else None
            if body is not None:
                status, billed = SUCCESS, True
                company_body = body.get("company")
                if isinstance(company_body, dict):
                    company = company_from_clearbit(company_body)
            elif code == 404:
                status = SUCCESS  # nobody by that email: an answer, not a failure
        else:
            status = sent.gave_up or FAILED
        call = self.api.ledger(
            PERSON_OPERATION, sent, status, billed=billed, price=self.person_cost
        )
        finding = Finding(PROVIDER, _now(), company=company) if company else None
        return Lookup(call, finding)


def _company_outcome(sent: Sent) -> tuple[str, CompanyData | None]:
    response = sent.response
    if response is None:
        return sent.gave_up or FAILED, None
    status = response.status_code
    if status in (200, 201):
        body = json_object(response)
        if body is None:
            logger.warning("clearbit answered %d with a body that is not a JSON object", status)
            return FAILED, None
        return SUCCESS, company_from_clearbit(body)
    if status in BILLED:  # 202 queued for later, 404 unknown: nothing now
        return SUCCESS, None
    level = logging.ERROR if status in (401, 403) else logging.WARNING
    logger.log(level, "clearbit refused the lookup: HTTP %d", status)
    return FAILED, None


def _now() -> datetime:
    return datetime.now(UTC)


def company_from_clearbit(body: dict[str, Any]) -> CompanyData:
    """Map Clearbit's company object onto the contract; a field of the wrong type is
    dropped on its own rather than failing the whole record."""
    category = _dict(body.get("category"))
    metrics = _dict(body.get("metrics"))
    return CompanyData(
        name=_str(body.get("name")),
        domain=_str(body.get("domain")),
        industry=_str(category.get("industry")),
        employees=_count(metrics.get("employees")),
        employees_range=_str(metrics.get("employeesRange")),
        founded_year=_year(body.get("foundedYear")),
        location=_str(body.get("location")) or _geo_location(_dict(body.get("geo"))),
        tags=_strs(body.get("tags")),
        tech=_strs(body.get("tech")),
        description=_str(body.get("description")),
        funding_raised_usd=_count(metrics.get("raised")),
    )


def _geo_location(geo: dict[str, Any]) -> str | None:
    parts = [_str(geo.get(key)) for key in ("city", "state", "country")]
    return ", ".join(p for p in parts if p) or None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _strs(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if value >= 0 else None


def _year(value: Any) -> int | None:
    year = _count(value)
    return year if year is not None and 1000 <= year <= 9999 else None

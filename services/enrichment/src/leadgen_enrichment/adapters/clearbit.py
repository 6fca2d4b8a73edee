"""Clearbit's Company API (``GET /v2/companies/find?domain=``), or the sandbox's copy of it.

Billing follows Clearbit's rule that a lookup answered 200, 201, 202 or 404 counts as a
request and nothing else does: so a match, a queued lookup (202) and "no such company"
(404) each cost ``cost_per_lookup``; an auth error, a rejected domain (422), a 429 or a
5xx/timeout that we gave up on costs nothing. Every outcome is a :class:`ProviderCall`
for the ledger; the adapter never raises for provider trouble.
"""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal
from typing import Any

import httpx
from leadgen_common.contracts.events import CompanyData, ProviderCall
from leadgen_common.http_retry import (
    FAILED,
    Attempted,
    ProviderGate,
    RetryPolicy,
    Sleep,
    send_with_retries,
)
from pydantic import SecretStr

from ..ports import CompanyLookup

logger = logging.getLogger(__name__)

PROVIDER = "clearbit"
OPERATION = "company"
COMPANY_FIND_PATH = "/v2/companies/find"
#: Statuses Clearbit bills (help.clearbit.com, "What counts as an Enrichment API request?").
BILLED = frozenset({200, 201, 202, 404})
SUCCESS = "success"


class ClearbitCompanyClient:
    name = PROVIDER

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        api_key: SecretStr,
        cost_per_lookup: Decimal,
        policy: RetryPolicy,
        gate: ProviderGate,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.http = http
        self.url = base_url.rstrip("/") + COMPANY_FIND_PATH
        self.api_key = api_key
        self.cost = cost_per_lookup
        self.policy = policy
        self.gate = gate
        self.sleep = sleep

    async def find_company(self, domain: str) -> CompanyLookup:
        headers = {"Authorization": f"Bearer {self.api_key.get_secret_value()}"}
        attempted = await send_with_retries(
            lambda: self.http.get(self.url, params={"domain": domain}, headers=headers),
            self.policy,
            self.gate,
            self.sleep,
        )
        return self._lookup(attempted)

    def _lookup(self, attempted: Attempted) -> CompanyLookup:
        response = attempted.response
        if response is None:
            logger.warning("clearbit gave up: %s", attempted.error)
            return self._result(attempted, attempted.gave_up or FAILED, None)
        status = response.status_code
        if status in (200, 201):
            company = _parse(response)
            return self._result(attempted, SUCCESS if company else FAILED, company)
        if status in BILLED:  # 202 queued for later, 404 unknown: nothing now, still billed
            return self._result(attempted, SUCCESS, None)
        level = logging.ERROR if status in (401, 403) else logging.WARNING
        logger.log(level, "clearbit refused the lookup: HTTP %d", status)
        return self._result(attempted, FAILED, None)

    def _result(
        self, attempted: Attempted, status: str, company: CompanyData | None
    ) -> CompanyLookup:
        billed = attempted.response is not None and attempted.response.status_code in BILLED
        call = ProviderCall(
            provider=PROVIDER,
            operation=OPERATION,
            status=status,
            cost=self.cost if billed else Decimal(0),
            latency_ms=round(attempted.latency_ms, 3),
        )
        return CompanyLookup(call=call, company=company)


def _parse(response: httpx.Response) -> CompanyData | None:
    """A 200 whose body is not a company object is a failed (though billed) lookup."""
    try:
        body = response.json()
    except ValueError:
        logger.warning("clearbit answered 200 with a body that is not JSON")
        return None
    if not isinstance(body, dict):
        logger.warning("clearbit answered 200 with JSON that is not an object")
        return None
    return company_from_clearbit(body)


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

"""Apollo's People Enrichment (``POST /api/v1/people/match``), or the sandbox's copy.
The key goes in ``X-Api-Key``; a person is matched by LinkedIn URL, else name + domain.

``{"person": null}`` (no match) is an answer, not billed. Apollo's ``email_status``
(verified, unverified, unavailable, ...) maps onto ours only where it means the same:
verified -> valid, unavailable -> invalid; anything else leaves the status to a verifier.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from leadgen_common.contracts.events import CompanyData
from pydantic import SecretStr

from ..domain.findings import Finding
from ..ports import Lookup
from .provider_http import FAILED, SUCCESS, ProviderHttp, json_object

PROVIDER = "apollo"
BUCKET = "apollo:match"
MATCH_PATH = "/api/v1/people/match"
_STATUS = {"verified": "valid", "unavailable": "invalid"}


class ApolloClient:
    name = PROVIDER

    def __init__(
        self, api: ProviderHttp, *, base_url: str, api_key: SecretStr, match_cost: Decimal
    ) -> None:
        self.api = api
        self.url = base_url.rstrip("/") + MATCH_PATH
        self.api_key = api_key
        self.match_cost = match_cost

    async def people_match(
        self, *, linkedin_url: str | None, name: str, domain: str | None
    ) -> Lookup:
        params: dict[str, str] = {"linkedin_url": linkedin_url} if linkedin_url else {}
        if not params and domain:
            params = {"name": name, "domain": domain}
        headers = {"X-Api-Key": self.api_key.get_secret_value()}
        sent = await self.api.send(
            BUCKET, lambda: self.api.http.post(self.url, json=params, headers=headers)
        )
        body = json_object(sent.response) if sent.response is not None else None
        answered = body is not None and sent.response.status_code == 200
        person = body.get("person") if answered else None
        matched = isinstance(person, dict)
        status = SUCCESS if answered else sent.gave_up or FAILED
        call = self.api.ledger("people_match", sent, status, billed=matched, price=self.match_cost)
        return Lookup(call, finding_from_apollo(person) if matched else None)


def finding_from_apollo(person: dict[str, Any]) -> Finding | None:
    email = person.get("email") if isinstance(person.get("email"), str) else None
    org = person.get("organization")
    company = _company(org) if isinstance(org, dict) else None
    status = _STATUS.get(person.get("email_status")) if email else None
    if not (email or company):
        return None
    return Finding(PROVIDER, datetime.now(UTC), company=company, email=email, email_status=status)


def _company(org: dict[str, Any]) -> CompanyData | None:
    def text(key: str) -> str | None:
        value = org.get(key)
        return value.strip() or None if isinstance(value, str) else None

    def count(key: str) -> int | None:
        value = org.get(key)
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return value if ok else None

    name, domain = text("name"), text("primary_domain")
    if not (name or domain):
        return None
    tags = org.get("keywords")
    tech = org.get("technology_names")
    return CompanyData(
        name=name,
        domain=domain,
        industry=text("industry"),
        employees=count("estimated_num_employees"),
        founded_year=count("founded_year"),
        location=text("raw_address"),
        tags=[t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
        tech=[t for t in tech if isinstance(t, str)] if isinstance(tech, list) else [],
        description=text("short_description"),
        funding_raised_usd=count("total_funding"),
    )

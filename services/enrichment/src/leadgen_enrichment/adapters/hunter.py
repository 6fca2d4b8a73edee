"""Hunter's Email Finder (``GET /v2/email-finder``) and Email Verifier
(``GET /v2/email-verifier``), or the sandbox's copies. The key goes in ``X-API-KEY``.

A finder answer without an email is not billed (Hunter charges a search only when it
finds someone); a verification always is. The finder's own verification status fills
``email_status`` when it is one of the contract's statuses.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from pydantic import SecretStr

from ..domain.findings import Finding, email_status
from ..ports import Lookup
from .provider_http import FAILED, SUCCESS, ProviderHttp, json_object

PROVIDER = "hunter"
FIND_BUCKET, VERIFY_BUCKET = "hunter:find", "hunter:verify"
FINDER_PATH, VERIFIER_PATH = "/v2/email-finder", "/v2/email-verifier"


class HunterClient:
    name = PROVIDER

    def __init__(
        self,
        api: ProviderHttp,
        *,
        base_url: str,
        api_key: SecretStr,
        finder_cost: Decimal,
        verifier_cost: Decimal,
    ) -> None:
        self.api = api
        self.base = base_url.rstrip("/")
        self.api_key = api_key
        self.finder_cost = finder_cost
        self.verifier_cost = verifier_cost

    def _get(self, path: str, params: dict[str, str]):
        headers = {"X-API-KEY": self.api_key.get_secret_value()}
        return lambda: self.api.http.get(self.base + path, params=params, headers=headers)

    async def email_finder(
        self, *, domain: str | None, full_name: str, linkedin_url: str | None = None
    ) -> Lookup:
        params = {"domain": domain, "full_name": full_name} if domain else {}
        if not params and linkedin_url:
            params = {"linkedin_handle": linkedin_url}
        sent = await self.api.send(FIND_BUCKET, self._get(FINDER_PATH, params))
        data = _data(sent.response)
        email = data.get("email") if isinstance(data, dict) else None
        status = SUCCESS if data is not None else sent.gave_up or FAILED
        found = isinstance(email, str) and "@" in email
        call = self.api.ledger("email_finder", sent, status, billed=found, price=self.finder_cost)
        if not found:
            return Lookup(call, None)
        verification = data.get("verification") if isinstance(data, dict) else None
        verified = (
            email_status(verification.get("status")) if isinstance(verification, dict) else None
        )
        return Lookup(call, Finding(PROVIDER, _now(), email=email, email_status=verified))

    async def email_verifier(self, email: str) -> Lookup:
        sent = await self.api.send(VERIFY_BUCKET, self._get(VERIFIER_PATH, {"email": email}))
        data = _data(sent.response)
        status = SUCCESS if data is not None else sent.gave_up or FAILED
        verified = email_status(data.get("status")) if data is not None else None
        call = self.api.ledger(
            "email_verifier", sent, status, billed=data is not None, price=self.verifier_cost
        )
        finding = Finding(PROVIDER, _now(), email_status=verified) if verified else None
        return Lookup(call, finding)


def _data(response) -> dict | None:
    """Hunter's ``data`` object of a 200, else None."""
    if response is None or response.status_code != 200:
        return None
    body = json_object(response)
    data = body.get("data") if body is not None else None
    return data if isinstance(data, dict) else None


def _now() -> datetime:
    return datetime.now(UTC)

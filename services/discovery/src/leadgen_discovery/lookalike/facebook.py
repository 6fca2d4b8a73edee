"""Facebook custom audiences: a CUSTOM audience seeded with EMAIL_SHA256 users, its
LOOKALIKE (``origin_audience_id`` + ``lookalike_spec``), and the lookalike's approximate
size (``GET /{id}``). The access token goes in the Authorization header; calls take
``facebook:audience`` tokens from the shared rate limiter."""

from __future__ import annotations

import json
from typing import Any

import httpx
from leadgen_common.contracts import Platform
from pydantic import SecretStr

from ..adapters.platform_api import PlatformApi, Request, error_message, refused
from ..ports import PlatformUnavailable
from .ports import Lookalike, SeedRejected

OPERATION = "audience"
#: Users per upload request (the Marketing API takes up to 10,000).
BATCH = 1_000
_ERROR_PATHS = (("error", "message"),)
_SIZE_FIELDS = "approximate_count_lower_bound,approximate_count_upper_bound"


class FacebookAudiences:
    platform = Platform.FACEBOOK

    def __init__(
        self,
        api: PlatformApi,
        *,
        base_url: str,
        api_version: str,
        access_token: SecretStr,
        account: str,
        country: str,
        ratio: float,
    ) -> None:
        self.api = api
        self.base = f"{base_url.rstrip('/')}/{api_version}"
        self.access_token = access_token
        self.account = account.removeprefix("act_")
        self.country = country
        self.ratio = ratio

    async def build(self, name: str, hashes: list[str]) -> Lookalike:
        audiences = f"{self.base}/act_{self.account}/customaudiences"
        seed = await self._id(
            await self._post(audiences, {"name": name, "subtype": "CUSTOM"}), "create audience"
        )
        for start in range(0, len(hashes), BATCH):
            payload = {"schema": "EMAIL_SHA256", "data": hashes[start : start + BATCH]}
            response = await self._post(
                f"{self.base}/{seed}/users", {"payload": json.dumps(payload)}
            )
            self._json(response, "add users")
        spec = {"country": self.country, "ratio": self.ratio}
        form = {
            "name": f"{name} lookalike",
            "subtype": "LOOKALIKE",
            "origin_audience_id": seed,
            "lookalike_spec": json.dumps(spec),
        }
        response = await self._post(audiences, form)
        if response.status_code == 400 and "too small" in self._reason(response).lower():
            raise SeedRejected(f"facebook: {self._reason(response)}")
        lookalike = await self._id(response, "create lookalike")
        size = self._json(
            await self.api.call(OPERATION, self._get(f"{self.base}/{lookalike}")), "read audience"
        )
        return Lookalike(
            seed,
            lookalike,
            _count(size.get("approximate_count_lower_bound")),
            _count(size.get("approximate_count_upper_bound")),
        )

    async def _id(self, response: httpx.Response, what: str) -> str:
        created = self._json(response, what)
        if not created.get("id"):
            raise PlatformUnavailable(f"facebook {what}: no id in the answer")
        return str(created["id"])

    def _json(self, response: httpx.Response, what: str) -> dict[str, Any]:
        if response.status_code != 200:
            raise PlatformUnavailable(
                refused(self.platform, what, response, self._reason(response))
            )
        try:
            body = response.json()
        except ValueError as exc:
            raise PlatformUnavailable(f"facebook {what}: malformed answer") from exc
        if not isinstance(body, dict):
            raise PlatformUnavailable(f"facebook {what}: malformed answer")
        return body

    @staticmethod
    def _reason(response: httpx.Response) -> str:
        return error_message(response, *_ERROR_PATHS)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token.get_secret_value()}"}

    async def _post(self, url: str, form: dict[str, str]) -> httpx.Response:
        headers = self._headers()
        return await self.api.call(
            OPERATION, lambda: self.api.http.post(url, data=form, headers=headers)
        )

    def _get(self, url: str) -> Request:
        headers = self._headers()
        return lambda: self.api.http.get(url, params={"fields": _SIZE_FIELDS}, headers=headers)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) else None

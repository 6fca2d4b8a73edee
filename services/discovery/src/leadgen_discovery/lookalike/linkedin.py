"""LinkedIn Matched Audiences: a DMP segment seeded with SHA256_EMAIL users, then its
lookalike (``POST {base}/rest/dmpSegments``, ``/{id}/users``, ``/{id}/lookalikes``).

Calls carry the application token of :mod:`..adapters.oauth` (once more with a fresh one
after a 401) and take ``linkedin:audience`` tokens from the shared rate limiter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from leadgen_common.contracts import Platform

from ..adapters.oauth import ClientCredentials
from ..adapters.platform_api import PlatformApi, error_message, refused
from ..ports import PlatformUnavailable
from .ports import Lookalike, SeedRejected

OPERATION = "audience"
#: Users per upload request (LinkedIn takes up to 5,000 per call).
BATCH = 1_000


class LinkedInAudiences:
    platform = Platform.LINKEDIN

    def __init__(
        self,
        api: PlatformApi,
        *,
        base_url: str,
        credentials: ClientCredentials,
        account: str,
        locations: list[str],
        ratio: float,
    ) -> None:
        self.api = api
        self.base = base_url.rstrip("/") + "/rest/dmpSegments"
        self.credentials = credentials
        self.account = account
        self.locations = locations
        self.ratio = ratio

    async def build(self, name: str, hashes: list[str]) -> Lookalike:
        segment = await self._create_segment(name)
        for start in range(0, len(hashes), BATCH):
            await self._add_users(segment, hashes[start : start + BATCH])
        body = {"name": f"{name} lookalike", "locations": self.locations, "ratio": self.ratio}
        response = await self._post(f"{self.base}/{segment}/lookalikes", body)
        if response.status_code == 400:
            raise SeedRejected(f"linkedin: {error_message(response) or 'seed refused'}")
        created = self._body(response, "create lookalike", 201)
        size = created.get("audienceSize")
        size = size if isinstance(size, int) else None
        return Lookalike(segment, str(created.get("id")), size, size)

    async def _create_segment(self, name: str) -> str:
        body = {
            "name": name,
            "account": self.account,
            "type": "USER",
            "sourcePlatform": "LIST_UPLOAD",
            "destinations": [{"destination": "LINKEDIN"}],
        }
        response = await self._post(self.base, body)
        self._body(response, "create segment", 201, json_body=False)
        segment = response.headers.get("x-restli-id")
        if not segment:
            raise PlatformUnavailable("linkedin create segment: no x-restli-id in the answer")
        return segment

    async def _add_users(self, segment: str, hashes: list[str]) -> None:
        ids = [{"idType": "SHA256_EMAIL", "idValue": value} for value in hashes]
        body = {"elements": [{"action": "ADD", "userIds": ids}]}
        response = await self._post(f"{self.base}/{segment}/users", body)
        self._body(response, "add users", 200)

    def _body(
        self, response: httpx.Response, what: str, expected: int, *, json_body: bool = True
    ) -> dict[str, Any]:
        if response.status_code not in (200, expected):
            raise PlatformUnavailable(
                refused(self.platform, what, response, error_message(response))
            )
        if not json_body:
            return {}
        try:
            body = response.json()
        except ValueError as exc:
            raise PlatformUnavailable(f"linkedin {what}: malformed answer") from exc
        if not isinstance(body, dict):
            raise PlatformUnavailable(f"linkedin {what}: malformed answer")
        return body

    async def _post(self, url: str, body: dict[str, Any]) -> httpx.Response:
        """One call; a 401 means the token went stale: once more with a fresh one."""
        for _ in range(2):
            token = await self.credentials.bearer()
            response = await self.api.call(OPERATION, self._request(url, body, token))
            if response.status_code != 401:
                return response
            self.credentials.refused(token)
        return response

    def _request(self, url: str, body: dict[str, Any], token: str) -> Callable[..., Any]:
        headers = {"Authorization": f"Bearer {token}", "X-Restli-Protocol-Version": "2.0.0"}
        return lambda: self.api.http.post(url, json=body, headers=headers)

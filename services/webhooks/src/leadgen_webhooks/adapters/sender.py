"""One attempt over HTTP: check the target again, connect to the address that was checked,
POST the signed body, and report the status (or why there was none).

The URL was checked when it was registered, but a name can resolve elsewhere later (DNS
rebinding), so every attempt resolves it again, checks every address, and connects to the
first one itself: the request goes to that IP with ``Host`` and TLS SNI (and certificate
verification) naming the registered host. Redirects are not followed; the answer's body
is never read (a receiver cannot make us download anything).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
from leadgen_common.webhooks import (
    Resolver,
    UnsafeUrl,
    parse_url,
    resolve_target,
    signed_headers,
    system_resolver,
)

from ..metrics import DELIVERY_SECONDS

USER_AGENT = "leadgen-webhooks/1 (+https://github.com/leadgen)"


@dataclass(frozen=True, slots=True)
class Attempt:
    status: int | None  # the receiver's HTTP status; None when there was no answer
    error: str | None  # short and free of the URL, body and secret: what the log shows


class Sender:
    def __init__(
        self,
        *,
        timeout_s: float,
        allow_private: bool,
        resolver: Resolver = system_resolver,
        max_connections: int = 20,
    ) -> None:
        self.allow_private = allow_private
        self.resolver = resolver
        self.client = httpx.AsyncClient(
            timeout=timeout_s,
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment: we connect to what we checked
            limits=httpx.Limits(max_connections=max_connections),
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def send(
        self, url: str, secret: str, event_id: str, event_type: str, body: bytes
    ) -> Attempt:
        started = time.perf_counter()
        try:
            return await self._send(url, secret, event_id, event_type, body)
        finally:
            DELIVERY_SECONDS.observe(time.perf_counter() - started)

    async def _send(
        self, url: str, secret: str, event_id: str, event_type: str, body: bytes
    ) -> Attempt:
        try:
            target = parse_url(url, allow_private=self.allow_private)
            addresses = await resolve_target(
                target, allow_private=self.allow_private, resolver=self.resolver
            )
        except UnsafeUrl as exc:
            return Attempt(None, f"unsafe_target: {exc}")
        headers = {
            **signed_headers(secret, event_id, event_type, body, time.time()),
            "Host": target.host_header,
            "User-Agent": USER_AGENT,
        }
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        request = self.client.build_request(
            "POST",
            target.pinned_url(addresses[0]),
            content=body,
            headers=headers,
            extensions=extensions,
        )
        try:
            response = await self.client.send(request, stream=True)
            await response.aclose()  # the answer's body is not ours to read
        except httpx.TimeoutException:
            return Attempt(None, "timeout")
        except httpx.HTTPError as exc:
            return Attempt(None, f"connection: {type(exc).__name__}")
        return Attempt(response.status_code, None)

"""One provider's HTTP edge: its pooled client, the shared Redis limiter, retries, and the
ledger entry (:class:`ProviderCall`) of every logical call.

Every attempt (retries included) takes a token from the provider's limiter bucket, which
sits under the ``enrichment`` cap shared by all providers and replicas. A token that will
not come within ``limiter_wait_s`` ends the call as ``rate_limited`` without a request.
The cost is what the answer's ``X-Sandbox-Cost`` says when it has one (the sandbox prices
each answer the way the real provider bills it), else the operation's configured price if
the provider's own billing rule says the answer is billed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

import httpx
from leadgen_common.contracts.events import ProviderCall
from leadgen_common.http_retry import (
    RATE_LIMITED,
    Attempted,
    ProviderGate,
    RetryPolicy,
    Sleep,
    send_with_retries,
)
from leadgen_common.ratelimit import RateLimitTimeoutError

logger = logging.getLogger(__name__)

COST_HEADER = "x-sandbox-cost"
SUCCESS = "success"
FAILED = "failed"


class Limiter(Protocol):
    async def acquire(self, bucket: str, *, timeout: float | None = None) -> object: ...  # noqa: ASYNC109


@dataclass(frozen=True)
class Sent:
    """The final answer of one logical call (None when it gave up) and its ledger facts."""

    response: httpx.Response | None
    gave_up: str | None  # FAILED or RATE_LIMITED when response is None
    latency_ms: float


class ProviderHttp:
    def __init__(
        self,
        name: str,
        http: httpx.AsyncClient,
        *,
        policy: RetryPolicy,
        gate: ProviderGate,
        limiter: Limiter | None = None,
        limiter_wait_s: float = 5.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.name = name
        self.http = http
        self.policy = policy
        self.gate = gate
        self.limiter = limiter
        self.limiter_wait_s = limiter_wait_s
        self.sleep = sleep

    async def send(self, bucket: str, request: Callable[[], Awaitable[httpx.Response]]) -> Sent:
        async def attempt() -> httpx.Response:
            if self.limiter is not None:
                await self.limiter.acquire(bucket, timeout=self.limiter_wait_s)
            return await request()

        started = time.perf_counter()
        try:
            attempted: Attempted = await send_with_retries(
                attempt, self.policy, self.gate, self.sleep
            )
        except RateLimitTimeoutError as exc:
            logger.warning("%s: shared limiter has no token in time: %s", self.name, exc)
            return Sent(None, RATE_LIMITED, (time.perf_counter() - started) * 1000)
        if attempted.response is None:
            logger.warning("%s gave up: %s", self.name, attempted.error)
        return Sent(attempted.response, attempted.gave_up, attempted.latency_ms)

    def ledger(
        self, operation: str, sent: Sent, status: str, *, billed: bool, price: Decimal
    ) -> ProviderCall:
        return ProviderCall(
            provider=self.name,
            operation=operation,
            status=status,
            cost=cost_of(sent.response, billed=billed, price=price),
            latency_ms=round(sent.latency_ms, 3),
        )


def cost_of(response: httpx.Response | None, *, billed: bool, price: Decimal) -> Decimal:
    if response is None:
        return Decimal(0)
    header = response.headers.get(COST_HEADER)
    if header is not None:
        try:
            amount = Decimal(header.strip())
        except InvalidOperation:
            amount = None
        if amount is not None and amount.is_finite() and amount >= 0:
            return amount
        logger.warning("unreadable %s header: %r", COST_HEADER, header)
    return price if billed else Decimal(0)


def json_object(response: httpx.Response) -> dict | None:
    """The body if it is a JSON object, else None (garbage from a provider is a failure)."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None

"""What every sandbox provider shares: its spec, its error shape, auth, latency, budget.

A provider module (linkedin.py, clearbit.py, ...) builds a `Provider`: a name (the URL
prefix and rate-limit bucket), a router, and a function that renders errors the way
the real service does. `guard` wraps every route of a provider with what the real
service would do before answering: network latency, bearer-key auth and a per-key
request budget, each failing with that provider's error body.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request, Response

#: (status, code, message) -> the provider's JSON error body.
ErrorBody = Callable[[int, str, str], dict[str, Any]]


@dataclass(frozen=True)
class Provider:
    name: str
    router: APIRouter
    error_body: ErrorBody
    #: Status the real service answers malformed query parameters with.
    validation_status: int = 400


class ProviderError(Exception):
    """An HTTP error with a provider-shaped body; the app renders it as is."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}


@dataclass(frozen=True)
class BudgetDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_after_s: int  # seconds until the window resets (Retry-After when refused)


@dataclass
class RequestBudget:
    """Fixed one-minute windows per (provider, key): simple, and deterministic in tests.

    A budget of 0 is unlimited. `clock` is injectable so tests can cross a window
    boundary without sleeping.
    """

    per_minute: int
    clock: Callable[[], float] = time.monotonic
    _windows: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)

    def take(self, provider: str, key: str) -> BudgetDecision:
        now = self.clock()
        window = int(now // 60)
        reset_after = max(1, math.ceil((window + 1) * 60 - now))
        seen_window, used = self._windows.get((provider, key), (window, 0))
        if seen_window != window:
            used = 0
        if used >= self.per_minute:
            return BudgetDecision(False, self.per_minute, 0, reset_after)
        self._windows[(provider, key)] = (window, used + 1)
        return BudgetDecision(True, self.per_minute, self.per_minute - used - 1, reset_after)


def bearer_key(authorization: str | None) -> str | None:
    """The key of an `Authorization: Bearer <key>` header, None when absent or empty."""
    if not authorization:
        return None
    scheme, _, key = authorization.partition(" ")
    key = key.strip()
    return key if scheme.lower() == "bearer" and key else None


def guard(
    provider: str, error_body: ErrorBody, budget: RequestBudget, latency_ms: int
) -> Callable[[Request, Response], Awaitable[None]]:
    """A router dependency: latency, then auth (401), then the request budget (429)."""

    async def check(request: Request, response: Response) -> None:
        if latency_ms:
            await asyncio.sleep(latency_ms / 1000)
        key = bearer_key(request.headers.get("authorization"))
        if key is None:
            raise ProviderError(
                401,
                error_body(401, "unauthorized", "Missing or empty bearer key"),
                {"WWW-Authenticate": "Bearer"},
            )
        if not budget.per_minute:
            return
        decision = budget.take(provider, key)
        headers = {
            "X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Remaining": str(decision.remaining),
            "X-RateLimit-Reset": str(decision.reset_after_s),
        }
        if not decision.allowed:
            message = f"Rate limit of {decision.limit} requests per minute exceeded"
            raise ProviderError(
                429,
                error_body(429, "rate_limit", message),
                {**headers, "Retry-After": str(decision.reset_after_s)},
            )
        response.headers.update(headers)

    return check

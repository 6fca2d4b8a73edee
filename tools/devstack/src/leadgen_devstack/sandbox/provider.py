"""What every sandbox provider shares: its error shape, credentials, latency, faults, quota.

A provider module (linkedin.py, clearbit.py, ...) builds a `Provider`: a name (the URL
prefix, the setting key and the quota bucket), a router, a function that renders errors
the way the real service does, and a function that reads the caller's credential the
way the real service takes it. `guard` runs before every route of a provider, in the
order a real service fails: network latency, then a missing or bad credential (401),
then an injected fault (500, 503 or a timeout answered 504), then the per-credential
quota (429 with Retry-After).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response

#: (status, code, message) -> the provider's JSON error body.
ErrorBody = Callable[[int, str, str], dict[str, Any]]


class ProviderError(Exception):
    """An HTTP error with a provider-shaped body; the app renders it as is."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}


@dataclass(frozen=True)
class Credential:
    """Who is calling: ``key`` is what quotas count (an OAuth client, or the API key)."""

    key: str


#: Reads the caller's credential from a request; None when there is none. Raises
#: ProviderError itself for a credential that is present but refused (expired token).
ReadCredential = Callable[[Request], Awaitable[Credential | None]]
#: Extra rate-limit headers in the provider's own style.
LimitHeaders = Callable[["BudgetDecision", float], dict[str, str]]


def no_extra_headers(decision: BudgetDecision, now: float) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class Provider:
    name: str
    router: APIRouter
    error_body: ErrorBody
    credential: ReadCredential
    #: Status the real service answers malformed parameters with.
    validation_status: int = 400
    limit_headers: LimitHeaders = no_extra_headers
    #: Paths (below the provider prefix) that need no credential, e.g. a token endpoint.
    public_paths: tuple[str, ...] = ()
    #: Status and code a missing credential gets (Facebook says 400, most say 401).
    unauthorized: tuple[int, str] = (401, "unauthorized")


# -- credentials -------------------------------------------------------------------------


def bearer_key(authorization: str | None) -> str | None:
    """The key of an `Authorization: Bearer <key>` header, None when absent or empty."""
    if not authorization:
        return None
    scheme, _, key = authorization.partition(" ")
    key = key.strip()
    return key if scheme.lower() == "bearer" and key else None


def basic_user(authorization: str | None) -> tuple[str, str] | None:
    """(user, password) of an `Authorization: Basic` header."""
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(authorization[6:].strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return (user, password) if user else None


# -- request budget ----------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_after_s: int  # seconds until the window resets (Retry-After when refused)


@dataclass
class RequestBudget:
    """Fixed one-minute windows per (provider, credential): simple, deterministic in tests.

    ``limits`` maps a provider to its requests per minute; 0 (or absent) is unlimited.
    ``clock`` is injectable so tests can cross a window boundary without sleeping.
    """

    limits: dict[str, int]
    clock: Callable[[], float] = time.time
    _windows: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)

    def take(self, provider: str, key: str) -> BudgetDecision | None:
        """None when the provider is unlimited."""
        limit = self.limits.get(provider, 0)
        if not limit:
            return None
        now = self.clock()
        window = int(now // 60)
        reset_after = max(1, math.ceil((window + 1) * 60 - now))
        seen_window, used = self._windows.get((provider, key), (window, 0))
        if seen_window != window:
            used = 0
        if used >= limit:
            return BudgetDecision(False, limit, 0, reset_after)
        self._windows[(provider, key)] = (window, used + 1)
        return BudgetDecision(True, limit, limit - used - 1, reset_after)


# -- faults ------------------------------------------------------------------------------


@dataclass
class Faults:
    """Deterministic injected failures: the n-th time a request (provider, method, path,
    query, body, credential) is seen, a hash of (seed, request, n) decides whether it
    fails and how, so a run is reproducible and a retry of a failed request can succeed."""

    rates: dict[str, float]  # provider -> share of requests that fail
    seed: int
    timeout_s: float  # how long a "timeout" holds the request before answering 504
    _seen: dict[bytes, int] = field(default_factory=dict)

    def decide(self, provider: str, request_key: bytes) -> str | None:
        """None, or "500", "503" or "timeout"."""
        rate = self.rates.get(provider, 0.0)
        if rate <= 0:
            return None
        occurrence = self._seen.get(request_key, 0)
        self._seen[request_key] = occurrence + 1
        digest = hashlib.blake2b(
            request_key + f"|{self.seed}|{occurrence}".encode(), digest_size=8
        ).digest()
        draw = int.from_bytes(digest[:4], "big") / 2**32
        if draw >= rate:
            return None
        kind = digest[4] % 5  # 2 in 5 a 500, 2 in 5 a 503, 1 in 5 a timeout
        return "500" if kind < 2 else "503" if kind < 4 else "timeout"


async def request_key(request: Request, credential: Credential) -> bytes:
    query = "&".join(sorted(f"{k}={v}" for k, v in request.query_params.multi_items()))
    body = await request.body()
    parts = (request.method, request.url.path, query, credential.key)
    return "|".join(parts).encode() + b"|" + hashlib.sha256(body).digest()


# -- the guard -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GuardSettings:
    latency_ms: int
    budget: RequestBudget
    faults: Faults
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


def guard(
    provider: Provider, settings: GuardSettings
) -> Callable[[Request, Response], Awaitable[None]]:
    """A router dependency: latency, then credentials, then faults, then the quota."""
    public = {f"/{provider.name}{path}" for path in provider.public_paths}

    async def check(request: Request, response: Response) -> None:
        if settings.latency_ms:
            await settings.sleep(settings.latency_ms / 1000)
        if request.url.path in public:
            return
        credential = await provider.credential(request)
        if credential is None:
            status, code = provider.unauthorized
            raise ProviderError(
                status,
                provider.error_body(status, code, "Missing or empty credentials"),
                {"WWW-Authenticate": "Bearer"} if status == 401 else {},
            )
        request.state.credential = credential
        await _inject_fault(provider, settings, request, credential)
        decision = settings.budget.take(provider.name, credential.key)
        if decision is None:
            return
        headers = {
            "X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Remaining": str(decision.remaining),
            "X-RateLimit-Reset": str(decision.reset_after_s),
            **provider.limit_headers(decision, settings.budget.clock()),
        }
        if not decision.allowed:
            message = f"Rate limit of {decision.limit} requests per minute exceeded"
            raise ProviderError(
                429,
                provider.error_body(429, "rate_limit", message),
                {**headers, "Retry-After": str(decision.reset_after_s)},
            )
        response.headers.update(headers)

    return check


async def _inject_fault(
    provider: Provider, settings: GuardSettings, request: Request, credential: Credential
) -> None:
    fault = settings.faults.decide(provider.name, await request_key(request, credential))
    if fault is None:
        return
    if fault == "timeout":
        await settings.sleep(settings.faults.timeout_s)
        raise ProviderError(504, provider.error_body(504, "timeout", "Upstream request timed out"))
    status = int(fault)
    code = "server_error" if status == 500 else "unavailable"
    message = "Internal server error" if status == 500 else "Service temporarily unavailable"
    headers = {"Retry-After": "1"} if status == 503 else {}
    raise ProviderError(status, provider.error_body(status, code, message), headers)


# -- costs -------------------------------------------------------------------------------


def bill(request: Request, operation: str, billable: bool = True) -> None:
    """Mark what this request costs: ``operation``'s price if ``billable`` (a miss that the
    real provider does not charge for passes False). The app's middleware writes the
    ``X-Sandbox-Cost`` header from it; an error answer costs nothing."""
    request.state.operation = operation
    request.state.billable = billable


async def form_fields(request: Request) -> dict[str, str]:
    """The fields of a urlencoded (or JSON object) request body, as real token and Graph
    endpoints take them; parsed here so the server needs no multipart library."""
    body = await request.body()
    if not body:
        return {}
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            parsed = json.loads(body)
        except ValueError:
            return {}
        if not isinstance(parsed, dict):
            return {}
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in parsed.items()}
    return {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}

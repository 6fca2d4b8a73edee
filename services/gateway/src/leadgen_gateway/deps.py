"""Request dependencies: the gateway's resources, the authenticated principal, permissions."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from leadgen_common.auth import InvalidToken, Principal, verify_token
from leadgen_common.crypto import FieldCipher
from leadgen_common.kafka import EventBus

from .adapters.database import Database
from .adapters.principals import KnownPrincipals, upsert_principal
from .adapters.rate_limit import ApiRateLimit
from .adapters.vectors import VectorSearch
from .domain.permissions import VIEW, VIEW_WHOLE_TEAM, Permission, allows_any
from .errors import ApiError
from .settings import GatewaySettings


@dataclass(frozen=True)
class Gateway:
    """What every route needs, built once by the app factory."""

    settings: GatewaySettings
    db: Database
    bus: EventBus
    known_principals: KnownPrincipals
    vectors: VectorSearch  # pgvector, or Pinecone when scoring keeps its vectors there
    rate_limit: ApiRateLimit | None  # None: API_RATE_LIMIT_PER_MINUTE is 0
    cipher: FieldCipher  # lead-writer stores contact details encrypted: the read models decrypt


def gateway(request: Request) -> Gateway:
    return request.app.state.gateway


_bearer = HTTPBearer(
    auto_error=False, description="JWT (HS256, key id in `kid`) with team_id, sub and role."
)


async def current_principal(
    gw: Annotated[Gateway, Depends(gateway)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The token's principal, within its rate limit; its team and principal rows exist
    once this returns."""
    if credentials is None:
        raise ApiError(401, "unauthorized", "a bearer token is required")
    try:
        principal = verify_token(gw.settings, credentials.credentials)
    except InvalidToken as exc:
        raise ApiError(401, "invalid_token", "the bearer token is invalid or expired") from exc
    await within_rate_limit(gw, principal)
    if principal not in gw.known_principals:
        async with gw.db.transaction(principal) as conn:
            await upsert_principal(conn, principal)
        gw.known_principals.add(principal)
    return principal


async def within_rate_limit(gw: Gateway, principal: Principal) -> None:
    if gw.rate_limit is None:
        return
    verdict = await gw.rate_limit.take(principal)
    if not verdict.allowed:
        retry = max(1, math.ceil(verdict.retry_after_s))
        raise ApiError(
            429,
            "rate_limited",
            f"too many requests: at most {gw.settings.api_rate_limit_per_minute} a minute; "
            f"retry in {retry} s",
            headers={"Retry-After": str(retry)},
        )


def require(*permissions: Permission) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets in a principal holding any of ``permissions`` (403 else)."""
    wanted = frozenset(permissions)

    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not allows_any(principal.role, wanted):
            needed = " or ".join(sorted(p.value for p in wanted))
            raise ApiError(403, "forbidden", f"role {principal.role.value!r} may not {needed}")
        return principal

    check.permissions = wanted  # type: ignore[attr-defined]  # what a route requires, for tests
    return check


GatewayDep = Annotated[Gateway, Depends(gateway)]
#: Reads the team's ICPs and campaigns, and the prospects and leads its scope covers.
Reader = Annotated[Principal, Depends(require(*VIEW))]
#: Reads (searches) the whole team's pool of people.
TeamReader = Annotated[Principal, Depends(require(*VIEW_WHOLE_TEAM))]
Manager = Annotated[Principal, Depends(require(Permission.CREATE_CAMPAIGN))]
Exporter = Annotated[Principal, Depends(require(Permission.EXPORT_DATA))]
#: A rep on the leads assigned to it; a manager or admin on any lead of the team.
StatusChanger = Annotated[
    Principal, Depends(require(Permission.UPDATE_STATUS, Permission.CREATE_CAMPAIGN))
]

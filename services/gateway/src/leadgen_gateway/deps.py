"""Request dependencies: the gateway's resources, the authenticated principal, permissions."""

from __future__ import annotations

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
from .adapters.vectors import VectorSearch
from .domain.permissions import Permission, allows
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
    cipher: FieldCipher  # lead-writer stores contact details encrypted: the read models decrypt


def gateway(request: Request) -> Gateway:
    return request.app.state.gateway


_bearer = HTTPBearer(auto_error=False, description="HS256 JWT with team_id, sub and role.")


async def current_principal(
    gw: Annotated[Gateway, Depends(gateway)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The token's principal; its team and principal rows exist once this returns."""
    if credentials is None:
        raise ApiError(401, "unauthorized", "a bearer token is required")
    try:
        principal = verify_token(gw.settings, credentials.credentials)
    except InvalidToken as exc:
        raise ApiError(401, "invalid_token", "the bearer token is invalid or expired") from exc
    if principal not in gw.known_principals:
        async with gw.db.transaction(principal) as conn:
            await upsert_principal(conn, principal)
        gw.known_principals.add(principal)
    return principal


def require(permission: Permission) -> Callable[..., Awaitable[Principal]]:
    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not allows(principal.role, permission):
            raise ApiError(
                403, "forbidden", f"role {principal.role.value!r} may not {permission.value}"
            )
        return principal

    return check


GatewayDep = Annotated[Gateway, Depends(gateway)]
Reader = Annotated[Principal, Depends(current_principal)]
Manager = Annotated[Principal, Depends(require(Permission.CREATE_CAMPAIGN))]

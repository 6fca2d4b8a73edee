"""Bearer tokens (HS256 JWT) carrying ``team_id``, ``sub`` and ``role``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import jwt

from .contracts import team_id_for
from .settings import ServiceSettings

ALGORITHM = "HS256"


class Role(StrEnum):
    ADMIN = "admin"
    SALES_MANAGER = "sales_manager"
    SALES_REP = "sales_rep"
    VIEWER = "viewer"


@dataclass(frozen=True)
class Principal:
    subject: str
    team_id: uuid.UUID
    team_name: str
    role: Role


class InvalidToken(Exception):
    pass


def issue_token(
    settings: ServiceSettings,
    *,
    team: str,
    role: Role | str,
    subject: str | None = None,
    ttl: timedelta = timedelta(hours=24),
) -> str:
    now = datetime.now(UTC)
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject or f"{Role(role).value}@{team}",
        "team_id": str(team_id_for(team)),
        "team": team,
        "role": Role(role).value,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=ALGORITHM)


def verify_token(settings: ServiceSettings, token: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iss", "aud", "sub", "team_id", "role"]},
        )
        return Principal(
            subject=claims["sub"],
            team_id=uuid.UUID(claims["team_id"]),
            team_name=claims.get("team", claims["team_id"]),
            role=Role(claims["role"]),
        )
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise InvalidToken(str(exc)) from exc

"""Bearer tokens: JWTs carrying ``team_id``, ``sub`` and ``role``, signed with an HMAC key
from a key ring so keys can rotate.

The ring is ``JWT_KEYS`` (``{kid: secret}``) or, when that is not set, ``JWT_SECRET`` under
the key id ``default``. New tokens are signed with the signing key (``JWT_SIGNING_KID``, or
the ring's only key) and carry its ``kid`` in the header; a token is verified with the key
its ``kid`` names, so a retired signing key keeps verifying the tokens it signed until it
is removed from the ring. A token without a ``kid`` (issued before key ids existed) is
verified with the key ``default``. Issuer, audience, expiry and the algorithm (an
allow-list of HMAC algorithms: ``none`` and anything else are refused) are checked.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import jwt

from .contracts import team_id_for
from .settings import ServiceSettings

#: Key id of JWT_SECRET, and the key a token without a ``kid`` header is verified with.
DEFAULT_KID = "default"
#: Claims every token must carry.
REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub", "team_id", "role")


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


@dataclass(frozen=True)
class KeyRing:
    """The keys tokens may be verified with, by key id, and which one signs."""

    keys: Mapping[str, str]
    signing_kid: str
    algorithms: tuple[str, ...]  # accepted; the first signs

    @classmethod
    def of(cls, settings: ServiceSettings) -> KeyRing:
        if settings.jwt_keys is None:
            keys = {DEFAULT_KID: settings.jwt_secret.get_secret_value()}
        else:
            keys = {kid: key.get_secret_value() for kid, key in settings.jwt_keys.items()}
        signing = settings.jwt_signing_kid or next(iter(keys))
        return cls(keys, signing, tuple(settings.jwt_algorithms))

    def key_for(self, header: Mapping[str, object]) -> str:
        """The key a token with this (unverified) header must verify with."""
        algorithm = header.get("alg")
        if algorithm not in self.algorithms:
            raise InvalidToken(f"algorithm {algorithm!r} is not accepted")
        kid = header.get("kid", DEFAULT_KID)
        if not isinstance(kid, str) or kid not in self.keys:
            raise InvalidToken("unknown key id")
        return self.keys[kid]


def issue_token(
    settings: ServiceSettings,
    *,
    team: str,
    role: Role | str,
    subject: str | None = None,
    ttl: timedelta = timedelta(hours=24),
) -> str:
    ring = KeyRing.of(settings)
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
    return jwt.encode(
        claims,
        ring.keys[ring.signing_kid],
        algorithm=ring.algorithms[0],
        headers={"kid": ring.signing_kid},
    )


def verify_token(settings: ServiceSettings, token: str) -> Principal:
    ring = KeyRing.of(settings)
    try:
        key = ring.key_for(jwt.get_unverified_header(token))
        claims = jwt.decode(
            token,
            key,
            algorithms=list(ring.algorithms),
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": list(REQUIRED_CLAIMS)},
        )
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise ValueError("sub must be a non-empty string")
        return Principal(
            subject=claims["sub"],
            team_id=uuid.UUID(claims["team_id"]),
            team_name=claims.get("team", claims["team_id"]),
            role=Role(claims["role"]),
        )
    except (jwt.PyJWTError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidToken(str(exc)) from exc

"""Bearer JWTs (leadgen_common.auth): issuer, audience, expiry, algorithm allow-list (alg
none refused), keys by kid with rotation, required claims; the settings that hold the key
ring; and the same tokens through the gateway (401 invalid_token, or in)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from faststream.kafka import TestKafkaBroker
from leadgen_common.auth import (
    DEFAULT_KID,
    InvalidToken,
    Role,
    issue_token,
    verify_token,
)
from leadgen_common.contracts import team_id_for
from leadgen_common.kafka import EventBus
from leadgen_common.settings import ServiceSettings
from leadgen_gateway.main import create_app
from leadgen_gateway.settings import GatewaySettings
from pydantic import ValidationError

OLD = "old-key-" + "0123456789" * 6  # 64 bytes and more: enough for HS512 too
NEW = "new-key-" + "0123456789" * 6
OTHER = "someone-else-" + "0123456789" * 6


def ring(*, keys: dict[str, str] | None = None, signing: str | None = None) -> ServiceSettings:
    return ServiceSettings(jwt_keys=keys, jwt_signing_kid=signing)


def claims(**overrides) -> dict:
    now = datetime.now(UTC)
    base = {
        "iss": "leadgen",
        "aud": "leadgen-api",
        "sub": "ann@acme",
        "team_id": str(team_id_for("acme")),
        "team": "acme",
        "role": "sales_rep",
        "iat": now,
        "exp": now + timedelta(hours=1),
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def b64(data: dict) -> str:
    raw = json.dumps(data, default=lambda v: int(v.timestamp())).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unsigned(payload: dict, alg: str = "none", kid: str | None = DEFAULT_KID) -> str:
    header = {"alg": alg, "typ": "JWT", **({"kid": kid} if kid else {})}
    return f"{b64(header)}.{b64(payload)}."


def hs256(header: dict, payload: dict, key: str) -> str:
    """Signed by hand, for headers PyJWT will not write."""
    signing_input = f"{b64(header)}.{b64(payload)}"
    mac = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


# ----------------------------------------------------------------------------- verify_token
def test_a_token_round_trips_with_the_default_key_id():
    settings = ServiceSettings(jwt_secret=OLD)
    token = issue_token(settings, team="acme", role=Role.SALES_REP, subject="ann@acme")
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "kid": "default", "typ": "JWT"}
    principal = verify_token(settings, token)
    assert (principal.subject, principal.team_id, principal.team_name, principal.role) == (
        "ann@acme",
        team_id_for("acme"),
        "acme",
        Role.SALES_REP,
    )


def test_a_token_without_kid_is_verified_with_the_default_key():
    """Tokens issued before key ids existed (and JWT_SECRET alone) keep working."""
    settings = ServiceSettings(jwt_secret=OLD)
    legacy = jwt.encode(claims(), OLD, algorithm="HS256")
    assert "kid" not in jwt.get_unverified_header(legacy)
    assert verify_token(settings, legacy).subject == "ann@acme"
    # ...but only while the ring has a key called "default"
    with pytest.raises(InvalidToken, match="unknown key id"):
        verify_token(ring(keys={"k2": NEW}), legacy)


BAD_TOKENS = {
    "expired": lambda: jwt.encode(
        claims(exp=datetime.now(UTC) - timedelta(seconds=1)), OLD, headers={"kid": "default"}
    ),
    "wrong-issuer": lambda: jwt.encode(claims(iss="evil"), OLD, headers={"kid": "default"}),
    "wrong-audience": lambda: jwt.encode(claims(aud="other-api"), OLD, headers={"kid": "default"}),
    "no-audience": lambda: jwt.encode(claims(aud=None), OLD, headers={"kid": "default"}),
    "alg-none": lambda: unsigned(claims()),
    "alg-none-no-kid": lambda: unsigned(claims(), kid=None),
    "alg-None-capitalised": lambda: unsigned(claims(), alg="None"),
    "alg-not-allowed": lambda: jwt.encode(claims(), OLD, algorithm="HS512"),
    "wrong-key": lambda: jwt.encode(claims(), OTHER, headers={"kid": "default"}),
    "unknown-kid": lambda: jwt.encode(claims(), OLD, headers={"kid": "k9"}),
    "kid-not-a-string": lambda: hs256({"alg": "HS256", "kid": 1}, claims(), OLD),
    "signature-stripped": lambda: jwt.encode(claims(), OLD).rsplit(".", 1)[0] + ".",
    "no-team": lambda: jwt.encode(claims(team_id=None), OLD),
    "bad-team-id": lambda: jwt.encode(claims(team_id="acme"), OLD),
    "no-role": lambda: jwt.encode(claims(role=None), OLD),
    "unknown-role": lambda: jwt.encode(claims(role="root"), OLD),
    "no-subject": lambda: jwt.encode(claims(sub=None), OLD),
    "empty-subject": lambda: jwt.encode(claims(sub=""), OLD),
    "no-expiry": lambda: jwt.encode(claims(exp=None), OLD),
    "not-yet-valid": lambda: jwt.encode(
        claims(nbf=datetime.now(UTC) + timedelta(minutes=5)), OLD, headers={"kid": "default"}
    ),
    "garbage": lambda: "not.a.jwt",
}


@pytest.mark.parametrize("make", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_bad_tokens_are_refused(make):
    with pytest.raises(InvalidToken):
        verify_token(ServiceSettings(jwt_secret=OLD), make())


def test_a_token_signed_with_hs256_is_refused_where_only_hs512_is_accepted():
    hs256 = issue_token(ServiceSettings(jwt_secret=OLD), team="acme", role="viewer")
    strict = ServiceSettings(jwt_secret=OLD, jwt_algorithms=["HS512"])
    with pytest.raises(InvalidToken, match="algorithm 'HS256' is not accepted"):
        verify_token(strict, hs256)
    hs512 = issue_token(strict, team="acme", role="viewer")
    assert jwt.get_unverified_header(hs512)["alg"] == "HS512"
    assert verify_token(strict, hs512).role is Role.VIEWER


def test_rotation_by_kid():
    """Before: one key. During: both, the new one signs, old tokens still verify. After:
    the old key removed, its tokens are refused."""
    before = ring(keys={"k1": OLD})
    old_token = issue_token(before, team="acme", role="admin")
    assert jwt.get_unverified_header(old_token)["kid"] == "k1"

    during = ring(keys={"k1": OLD, "k2": NEW}, signing="k2")
    new_token = issue_token(during, team="acme", role="admin")
    assert jwt.get_unverified_header(new_token)["kid"] == "k2"
    assert verify_token(during, old_token).role is Role.ADMIN
    assert verify_token(during, new_token).role is Role.ADMIN

    after = ring(keys={"k2": NEW})
    assert verify_token(after, new_token).role is Role.ADMIN
    with pytest.raises(InvalidToken, match="unknown key id"):
        verify_token(after, old_token)


def test_a_token_naming_one_kid_but_signed_with_another_key_is_refused():
    settings = ring(keys={"k1": OLD, "k2": NEW}, signing="k2")
    forged = jwt.encode(claims(), NEW, headers={"kid": "k1"})
    with pytest.raises(InvalidToken):
        verify_token(settings, forged)


# ---------------------------------------------------------------------------- the settings
@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"jwt_keys": {}}, "at least one key"),
        ({"jwt_keys": {" ": NEW}}, "non-empty kid"),
        ({"jwt_keys": {"k1": OLD, "k2": NEW}}, "JWT_SIGNING_KID must name one"),
        ({"jwt_keys": {"k1": OLD}, "jwt_signing_kid": "k2"}, "not in JWT_KEYS"),
        ({"jwt_signing_kid": "k2"}, "JWT_KEYS, which is not set"),
        ({"jwt_algorithms": ["none"]}, "jwt_algorithms"),
        ({"jwt_algorithms": ["RS256"]}, "jwt_algorithms"),
        ({"jwt_algorithms": []}, "jwt_algorithms"),
        (
            {"environment": "prod", "jwt_secret": OLD, "jwt_keys": {"k1": "short"}},
            "under 32 bytes",
        ),
    ],
)
def test_unusable_key_settings_are_refused(values, message):
    with pytest.raises(ValidationError, match=message):
        ServiceSettings(**values)


def test_the_key_ring_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("JWT_KEYS", json.dumps({"k1": OLD, "k2": NEW}))
    monkeypatch.setenv("JWT_SIGNING_KID", "k2")
    monkeypatch.setenv("JWT_ALGORITHMS", '["HS256", "HS384"]')
    settings = ServiceSettings()
    token = issue_token(settings, team="acme", role="viewer")
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "kid": "k2", "typ": "JWT"}
    assert jwt.decode(token, NEW, algorithms=["HS256"], audience="leadgen-api")["role"] == "viewer"
    assert "0123456789" not in repr(settings)  # keys stay secret in logs and reprs


# --------------------------------------------------------------------------- through the API
@asynccontextmanager
async def gateway_with(engine, **jwt_settings) -> AsyncIterator[httpx.AsyncClient]:
    settings = GatewaySettings(
        environment="test", kafka_bootstrap_servers="127.0.0.1:1", **jwt_settings
    )
    bus = EventBus(settings)
    app = create_app(settings, engine=engine, bus=bus)
    async with TestKafkaBroker(bus.broker), app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client


async def get_icps(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/api/v1/icps", headers={"Authorization": f"Bearer {token}"})


async def test_the_gateway_refuses_every_bad_token(gateway_engine):
    async with gateway_with(gateway_engine, jwt_secret=OLD) as client:
        good = issue_token(ServiceSettings(jwt_secret=OLD), team="acme", role="viewer")
        assert (await get_icps(client, good)).status_code == 200
        for name, make in BAD_TOKENS.items():
            response = await get_icps(client, make())
            assert response.status_code == 401, (name, response.text)
            assert response.json()["code"] == "invalid_token", name
            assert response.headers["www-authenticate"] == "Bearer"


async def test_the_gateway_accepts_an_old_kid_during_rotation(gateway_engine, team):
    """A gateway whose ring holds k1 and k2 (k2 signs) lets in tokens of both; a key that
    was removed from the ring no longer opens it."""
    old = issue_token(ring(keys={"k1": OLD}), team=team, role="viewer")
    new = issue_token(ring(keys={"k1": OLD, "k2": NEW}, signing="k2"), team=team, role="viewer")
    retired = issue_token(ring(keys={"k0": OTHER}), team=team, role="viewer")
    rotated = {"jwt_keys": {"k1": OLD, "k2": NEW}, "jwt_signing_kid": "k2"}
    async with gateway_with(gateway_engine, **rotated) as client:
        for token, expected in ((old, 200), (new, 200), (retired, 401)):
            assert (await get_icps(client, token)).status_code == expected

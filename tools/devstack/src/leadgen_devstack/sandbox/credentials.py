"""API keys and OAuth2 client-credentials tokens, as the providers hand them out.

Tokens are stateless: ``<prefix><base64(client|expiry)>.<hmac>``, so any number of
sandbox workers (or a restarted one) accept each other's tokens, and a test clock can
expire them. A bearer value that is not one of our tokens is an API key: accepted when
``api_keys`` is empty (any non-empty key, as the sandbox always did) or lists it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass


class InvalidClient(Exception):
    """Unknown client id or wrong secret."""


class BadToken(Exception):
    """One of our tokens, but forged or expired; ``expired`` says which."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass(frozen=True)
class Tokens:
    secret: bytes
    ttl_s: int
    clients: dict[str, str]  # client id -> client secret
    clock: Callable[[], float]

    def issue(self, prefix: str, client_id: str, client_secret: str) -> tuple[str, int]:
        """(access token, seconds it lives) for a known client; InvalidClient otherwise."""
        expected = self.clients.get(client_id)
        if expected is None or not hmac.compare_digest(expected, client_secret):
            raise InvalidClient(client_id)
        expiry = int(self.clock()) + self.ttl_s
        body = base64.urlsafe_b64encode(f"{client_id}|{expiry}".encode()).decode().rstrip("=")
        return f"{prefix}{body}.{self._sign(prefix, body)}", self.ttl_s

    def client_of(self, prefix: str, token: str) -> str | None:
        """The client a token of ours was issued to; None if it is not one of ours.
        Raises BadToken for a forged or expired one."""
        if not token.startswith(prefix) or "." not in token:
            return None
        body, _, signature = token[len(prefix) :].rpartition(".")
        try:
            client, _, expiry = (
                base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode().rpartition("|")
            )
            expires_at = int(expiry)
        except (ValueError, UnicodeDecodeError):
            return None
        if not hmac.compare_digest(signature, self._sign(prefix, body)):
            raise BadToken(expired=False)
        if self.clock() >= expires_at:
            raise BadToken(expired=True)
        return client

    def _sign(self, prefix: str, body: str) -> str:
        return hmac.new(self.secret, f"{prefix}{body}".encode(), hashlib.sha256).hexdigest()[:24]


@dataclass(frozen=True)
class ApiKeys:
    accepted: frozenset[str]  # empty: any non-empty key

    def accepts(self, key: str | None) -> bool:
        return bool(key) and (not self.accepted or key in self.accepted)

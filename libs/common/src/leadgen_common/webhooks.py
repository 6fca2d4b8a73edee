"""Webhooks, the parts both sides share: which URLs may receive them, how a payload is
signed, and how long a failed delivery waits before the next attempt.

The gateway validates a URL when a team registers it; the webhooks service validates it
again before every attempt (a name may resolve elsewhere by then: DNS rebinding) and
connects to the very address it checked. Everything here is pure except
:func:`resolve_target`, which asks the resolver it is given.

Signature (``X-Leadgen-Signature``)::

    v1=<hex HMAC-SHA256(secret, "<X-Leadgen-Timestamp>.<raw body>")>

The timestamp is Unix seconds; a receiver recomputes the HMAC over the raw body it got,
compares in constant time and refuses a timestamp further than a few minutes from its own
clock (:func:`verify`), which bounds replays. ``X-Leadgen-Event-Id`` is the event's id, the
same on every attempt: a receiver dedupes on it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import random
import re
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Event types an endpoint may subscribe to.
EVENT_TYPES = ("lead.created",)
#: Headers of every delivery.
EVENT_ID_HEADER = "X-Leadgen-Event-Id"
EVENT_TYPE_HEADER = "X-Leadgen-Event-Type"
TIMESTAMP_HEADER = "X-Leadgen-Timestamp"
SIGNATURE_HEADER = "X-Leadgen-Signature"
SIGNATURE_VERSION = "v1"
#: How far a receiver should let the timestamp stray from its clock (both ways).
DEFAULT_TOLERANCE_S = 300
#: The field the endpoint's secret is bound to in ``FieldCipher`` (team, endpoint id, this).
SECRET_FIELD = "webhook_secret"
#: The field a stored delivery body is bound to (team, event id, this).
BODY_FIELD = "webhook_body"
SECRET_PREFIX = "whsec_"
MAX_URL_LENGTH = 2048

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
#: ``(host, port) -> addresses``: ``getaddrinfo`` in production.
Resolver = Callable[[str, int], Awaitable[list[str]]]


class UnsafeUrl(ValueError):
    """A URL that may not receive webhooks; ``str()`` says why, for a 422's message."""


@dataclass(frozen=True, slots=True)
class Target:
    """A URL taken apart: what to connect to and what to say in Host and SNI."""

    url: str
    scheme: str
    host: str  # without brackets, lower case
    port: int
    path: str  # path and query, at least "/"

    def pinned_url(self, address: str) -> str:
        """The URL with the host replaced by ``address`` (connect there; Host and SNI
        still name :attr:`host`)."""
        ip = ipaddress.ip_address(address)
        shown = f"[{ip}]" if ip.version == 6 else str(ip)
        return f"{self.scheme}://{shown}:{self.port}{self.path}"

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return shown if self.port == default else f"{shown}:{self.port}"


# --- URL checks ---------------------------------------------------------------------------

_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
#: NAT64 (RFC 6052): the last 32 bits are an IPv4 address, which is what gets reached.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def forbidden_reason(address: Address) -> str | None:
    """Why a target address is not on the public internet, or None when it is.

    Anything not ``is_global`` is refused (private, loopback, link-local, shared CGNAT
    space, documentation and benchmark ranges, unspecified), and multicast too; an IPv6
    address that carries an IPv4 one (mapped, 6to4, Teredo, NAT64) is judged by that."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if address.teredo:
            embedded = address.teredo[1]
        if address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return forbidden_reason(embedded)
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_private:
        return "a private address"
    if address.is_reserved or not address.is_global:
        return "a reserved address"
    return None


def parse_url(url: str, *, allow_private: bool = False) -> Target:
    """Syntactic checks: https (http only with ``allow_private``, the dev stack's), a host,
    no credentials, no fragment, no numeric host in a non-canonical form (``2130706433``,
    ``0x7f.1``: resolvers read them as IPv4 addresses), no local name. Raises UnsafeUrl."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeUrl(f"longer than {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise UnsafeUrl("contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"not a valid URL: {exc}") from exc
    scheme = parts.scheme.lower()
    allowed = ("https", "http") if allow_private else ("https",)
    if scheme not in allowed:
        raise UnsafeUrl("the scheme must be https")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeUrl("credentials in the URL are not allowed (sign with the secret instead)")
    if parts.fragment:
        raise UnsafeUrl("a fragment is never sent to the receiver; remove it")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UnsafeUrl("the URL has no host")
    if port == 0:
        raise UnsafeUrl("port 0 is not a port")
    literal = _ip_literal(host)
    if literal is None:
        labels = host.split(".")
        if all(_NUMERIC_LABEL.match(label) for label in labels if label):
            raise UnsafeUrl("a numeric host must be a dotted-quad IPv4 address")
        if not allow_private and (host in _LOCAL_NAMES or host.endswith(".localhost")):
            raise UnsafeUrl(f"{host} is a local name")
    elif not allow_private and (reason := forbidden_reason(literal)):
        raise UnsafeUrl(f"the host is {reason}")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(url, scheme, host, port or (443 if scheme == "https" else 80), path)


def _ip_literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0] if ":" in host else host)
    except ValueError:
        return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Every A and AAAA address of ``host`` from the system resolver (``getaddrinfo``)."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def resolve_target(
    target: Target, *, allow_private: bool = False, resolver: Resolver = system_resolver
) -> list[str]:
    """The addresses ``target``'s host resolves to, every one of them checked: a name with
    one private address among public ones is refused (an attacker picks which one the
    client uses). Raises UnsafeUrl, also when the name does not resolve."""
    literal = _ip_literal(target.host)
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = await resolver(target.host, target.port)
        except (OSError, UnicodeError) as exc:
            raise UnsafeUrl(f"the host {target.host} does not resolve") from exc
    if not addresses:
        raise UnsafeUrl(f"the host {target.host} does not resolve")
    if not allow_private:
        for text in addresses:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            if reason := forbidden_reason(address):
                raise UnsafeUrl(f"the host resolves to {reason}")
    return addresses


async def check_url(
    url: str, *, allow_private: bool = False, resolver: Resolver = system_resolver
) -> tuple[Target, list[str]]:
    """:func:`parse_url` then :func:`resolve_target`."""
    target = parse_url(url, allow_private=allow_private)
    return target, await resolve_target(target, allow_private=allow_private, resolver=resolver)


# --- signing ------------------------------------------------------------------------------


def new_secret() -> str:
    """A signing secret: 256 random bits, shown to the team once."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``v1=<hex>``: HMAC-SHA256 with the secret's UTF-8 bytes over ``"<ts>.<body>"``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SIGNATURE_VERSION}={mac.hexdigest()}"


def signed_headers(
    secret: str, event_id: str, event_type: str, body: bytes, now: float
) -> dict[str, str]:
    timestamp = int(now)
    return {
        "Content-Type": "application/json",
        EVENT_ID_HEADER: event_id,
        EVENT_TYPE_HEADER: event_type,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify(
    secret: str,
    body: bytes,
    timestamp: str,
    header: str,
    *,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> bool:
    """What a receiver does: the timestamp is within ``tolerance_s`` of its clock and one
    of the header's ``v1=`` values (comma-separated, so a rotation can send two) matches."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance_s:
        return False
    expected = signature(secret, sent, body)
    return any(hmac.compare_digest(expected, part.strip()) for part in header.split(","))


# --- retries ------------------------------------------------------------------------------


def backoff_s(
    attempt: int,
    *,
    base_s: float,
    max_s: float,
    rng: Callable[[], float] = random.random,
) -> float:
    """Wait after failed attempt number ``attempt`` (1-based): exponential, capped, with
    "equal jitter" (half fixed, half random) so endpoints that failed together do not
    retry together, and no wait is ever shorter than half the exponential step."""
    step = min(max_s, base_s * 2 ** max(0, attempt - 1))
    return step / 2 + rng() * step / 2


def is_success(status: int) -> bool:
    """2xx only: a redirect is not followed (it could point anywhere) and counts as failed."""
    return 200 <= status < 300

"""Normalize what a platform calls a company's domain into something a provider can look up."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A hostname of at least two labels, letters/digits/hyphens (IDNs arrive punycoded).
_HOSTNAME = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def normalize_domain(raw: str | None) -> str | None:
    """``'https://www.Acme.com/about'`` -> ``'acme.com'``; None when nothing usable is left.

    Platforms give a bare domain, a URL, or an email-ish value; a provider wants the bare
    registrable host, and the cache of a later issue keys on the same normal form.
    """
    if raw is None:
        return None
    value = raw.strip().lower()
    if not value:
        return None
    if "@" in value:
        value = value.rsplit("@", 1)[1]
    host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host if _HOSTNAME.match(host) else None

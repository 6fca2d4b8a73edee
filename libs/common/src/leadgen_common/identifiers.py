"""Normal forms of the identifiers that name a person or a company (pure).

One place for them, because the same value must come out the same wherever it is met:
enrichment keys its provider cache on them, and a team's suppression list
(``leadgen_common.suppression``) matches on their hashes in discovery, enrichment and
lead-writer alike.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A hostname of at least two labels, letters/digits/hyphens (IDNs arrive punycoded).
_HOSTNAME = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def normalize_domain(raw: str | None) -> str | None:
    """``'https://www.Acme.com/about'`` -> ``'acme.com'``; None when nothing usable is left.

    Platforms give a bare domain, a URL, or an email-ish value; a provider wants the bare
    registrable host, and caches and suppression lists key on the same normal form.
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


def normalize_profile_url(url: str | None) -> str | None:
    """``'HTTPS://www.LinkedIn.com/in/Ada-1/?trk=x'`` -> ``'linkedin.com/in/ada-1'``."""
    if not url or not url.strip():
        return None
    value = url.strip()
    parts = urlsplit(value if "//" in value else f"//{value}")
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parts.path.rstrip("/").lower()
    return f"{host}{path}" if host and path else None


def normalize_email(raw: str | None) -> str | None:
    """Trimmed and lower-cased (the form ad platforms hash too); None unless it has one
    ``@`` between a local part and a domain."""
    if raw is None:
        return None
    value = raw.strip().lower()
    local, at, domain = value.rpartition("@")
    if not at or not local or "@" in local or normalize_domain(domain) != domain:
        return None
    return value

"""A person's normalized identity: the key under which provider answers are cached."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

_SPACES = re.compile(r"\s+")


def normalize_profile_url(url: str | None) -> str | None:
    """``'HTTPS://www.LinkedIn.com/in/Ada-1/?trk=x'`` -> ``'linkedin.com/in/ada-1'``."""
    if not url or not url.strip():
        return None
    value = url.strip()
    parts = urlsplit(value if "//" in value else f"//{value}")
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parts.path.rstrip("/").lower()
    return f"{host}{path}" if host and path else None


def normalize_name(name: str | None) -> str | None:
    """Case, accents and spacing removed: ``' Zoë  Ávila '`` -> ``'zoe avila'``."""
    if not name:
        return None
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = _SPACES.sub(" ", ascii_name).strip().lower()
    return cleaned or None


def person_identity(profile_url: str | None, name: str | None, domain: str | None) -> str | None:
    """``url:<normalized profile URL>``, else ``name:<name>@<domain>``, else None."""
    url = normalize_profile_url(profile_url)
    if url:
        return f"url:{url}"
    person = normalize_name(name)
    if person and domain:
        return f"name:{person}@{domain}"
    return None

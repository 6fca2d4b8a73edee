"""A person's normalized identity: the key under which provider answers are cached (the
profile URL's normal form lives in leadgen_common.identifiers: suppression lists match on
it too)."""

from __future__ import annotations

import re
import unicodedata

from leadgen_common.identifiers import normalize_profile_url

_SPACES = re.compile(r"\s+")


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

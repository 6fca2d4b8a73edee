"""Seed audiences are uploaded as SHA-256 of normalised emails (the form LinkedIn's
SHA256_EMAIL and Facebook's EMAIL_SHA256 expect); raw addresses never leave this step."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def hashed_email(email: object) -> str | None:
    """sha256 hex of the trimmed, lower-cased address; None when it is no address."""
    if not isinstance(email, str):
        return None
    normal = email.strip().lower()
    if "@" not in normal:
        return None
    return hashlib.sha256(normal.encode()).hexdigest()


def hashed_seed(emails: Iterable[object]) -> list[str]:
    """Each distinct address hashed once, in the order given (best lead first)."""
    hashes = (hashed_email(email) for email in emails)
    return list(dict.fromkeys(h for h in hashes if h is not None))

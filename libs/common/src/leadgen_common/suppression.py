"""A team's suppression list, as every service matches it (pure).

An entry is a kind and the SHA-256 hex digest of a normalized value — never the value
itself: the list of people who asked not to be processed must not become a list of them.
An email is hashed trimmed and lower-cased, the form ad platforms hash (so a hashed opt-out
list from elsewhere matches too). Kinds:

- ``email``, ``domain``, ``profile_url``: what a team adds (``POST /suppressions``);
- ``platform_id``: ``<platform>:<platform profile id>``, added when a person is erased
  (a profile URL may change; the platform's id does not).

A person is suppressed when any of their identifiers is listed: their platform id and
profile URL, their email addresses, and the domains of their employer and of their emails.
lead-writer owns the ``suppressions`` table; discovery, enrichment and lead-writer check it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .contracts.events import ProspectProfile
from .identifiers import normalize_domain, normalize_email, normalize_profile_url


class Kind(StrEnum):
    EMAIL = "email"
    DOMAIN = "domain"
    PROFILE_URL = "profile_url"
    PLATFORM_ID = "platform_id"


#: What a team may add through the API; platform ids come from erasure.
USER_KINDS = (Kind.EMAIL, Kind.DOMAIN, Kind.PROFILE_URL)


class Reason(StrEnum):
    OPT_OUT = "opt_out"  # a team added it (the person objected, or the team decided)
    ERASED = "erased"  # the person's data was erased: they are not to be found again


#: Why enrichment and lead-writer left a prospect alone (``enrichment_skipped``).
SUPPRESSED = "suppressed"

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, order=True)
class Entry:
    kind: Kind
    digest: str


def platform_id(platform: str, platform_profile_id: str) -> str:
    return f"{platform.strip().lower()}:{platform_profile_id.strip()}"


def normalize(kind: Kind | str, value: str) -> str | None:
    """The normal form of ``value`` as a ``kind``; None when it is not one."""
    match Kind(kind):
        case Kind.EMAIL:
            return normalize_email(value)
        case Kind.DOMAIN:
            return normalize_domain(value)
        case Kind.PROFILE_URL:
            return normalize_profile_url(value)
        case Kind.PLATFORM_ID:
            platform, _, profile_id = value.partition(":")
            return platform_id(platform, profile_id) if platform and profile_id.strip() else None


def digest(normal: str) -> str:
    return hashlib.sha256(normal.encode()).hexdigest()


def is_digest(value: str) -> bool:
    return bool(_DIGEST.match(value))


def entry(kind: Kind | str, value: str | None) -> Entry | None:
    """The entry of a plain value; None when it is no ``kind``."""
    normal = normalize(kind, value) if value else None
    return Entry(Kind(kind), digest(normal)) if normal else None


def person_entries(
    *,
    platform: str,
    platform_profile_id: str,
    profile_url: str | None = None,
    emails: Iterable[str | None] = (),
) -> frozenset[Entry]:
    """What names the person themselves (what erasure puts on the list)."""
    found = [
        entry(Kind.PLATFORM_ID, platform_id(platform, platform_profile_id)),
        entry(Kind.PROFILE_URL, profile_url),
        *(entry(Kind.EMAIL, email) for email in emails),
    ]
    return frozenset(e for e in found if e is not None)


def matching_entries(
    *,
    platform: str,
    platform_profile_id: str,
    profile_url: str | None = None,
    company_domain: str | None = None,
    emails: Iterable[str | None] = (),
) -> frozenset[Entry]:
    """Every entry that suppresses the person: their own, and their domains'."""
    emails = [email for email in emails if email]
    domains = [entry(Kind.DOMAIN, value) for value in (company_domain, *emails)]
    own = person_entries(
        platform=platform,
        platform_profile_id=platform_profile_id,
        profile_url=profile_url,
        emails=emails,
    )
    return own | frozenset(e for e in domains if e is not None)


def profile_entries(
    profile: ProspectProfile, emails: Iterable[str | None] = ()
) -> frozenset[Entry]:
    """:func:`matching_entries` of a discovered profile (and any emails found for it)."""
    return matching_entries(
        platform=profile.platform.value,
        platform_profile_id=profile.platform_profile_id,
        profile_url=profile.profile_url,
        company_domain=profile.company_domain,
        emails=emails,
    )

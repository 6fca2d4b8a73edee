"""How search criteria compare with profiles: case-insensitive, spelling-tolerant.

- Titles compare as sets of normalised words: punctuation and filler words ("of",
  "the", "and", "&") go, "Vice President" is "VP", "Chief Technology Officer" is "CTO",
  "Sr." is "Senior". A criterion matches a title containing all of its words, so
  "VP Engineering" finds "VP of Engineering", "Vice President of Engineering" and
  "SVP Engineering", and "CTO" finds "Co-founder & CTO" -- but "Engineering Manager"
  does not find "Software Engineer".
- Keywords compare as sets of lightly stemmed words ("scaling engineering teams" finds
  "Scaling engineering team"); a phrase matches a profile containing all its words.
- Industries and company sizes: see `industry_key`, `parse_size` (places: geo.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .industries import INDUSTRY_ALIASES, LINKEDIN_STAFF_RANGES
from .shared_tables import text_key

_NON_WORD = re.compile(r"[^a-z0-9]+")
_TITLE_PHRASES = (
    ("chief executive officer", "ceo"),
    ("chief technology officer", "cto"),
    ("chief technical officer", "cto"),
    ("chief financial officer", "cfo"),
    ("chief operating officer", "coo"),
    ("chief marketing officer", "cmo"),
    ("chief information security officer", "ciso"),
    ("chief information officer", "cio"),
    ("chief product officer", "cpo"),
    ("chief revenue officer", "cro"),
    ("vice president", "vp"),
    ("co founder", "cofounder"),
)
_TITLE_WORDS = {
    "svp": ("senior", "vp"),
    "evp": ("executive", "vp"),
    "avp": ("assistant", "vp"),
    "sr": ("senior",),
    "jr": ("junior",),
    "mgr": ("manager",),
    "eng": ("engineering",),
    "dir": ("director",),
}
_TITLE_FILLER = frozenset({"of", "the", "and", "for", "a", "an", "in"})
_TEXT_FILLER = _TITLE_FILLER | frozenset(
    {"or", "on", "to", "with", "our", "my", "we", "i", "at", "by", "is", "are", "as", "your"}
)
_SUFFIXES = ("ing", "ed", "es", "s", "e")


def _words(text: str) -> list[str]:
    return _NON_WORD.sub(" ", text.lower()).split()


@lru_cache(maxsize=4096)
def title_words(title: str) -> frozenset[str]:
    """Normalised words of a job title (cached: the population has few distinct titles)."""
    text = " ".join(_words(title))
    for phrase, short in _TITLE_PHRASES:
        text = re.sub(rf"\b{phrase}\b", short, text)
    words: list[str] = []
    for word in text.split():
        words.extend(_TITLE_WORDS.get(word, (word,)))
    return frozenset(word for word in words if word not in _TITLE_FILLER)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Strip one common English suffix, enough for team/teams and scale/scaling."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def text_words(text: str) -> frozenset[str]:
    """Stemmed words of free text, without filler words."""
    return frozenset(stem(word) for word in set(_words(text)) - _TEXT_FILLER)


def industry_key(value: str) -> str:
    """Our industry (lower case) for any name a criterion uses ("Computer Software" ->
    "software"); an unknown name stays as given, so it matches no company."""
    key = text_key(value)
    return INDUSTRY_ALIASES.get(key, key)


_RANGE = re.compile(r"^\s*(\d[\d,]*)\s*(?:-|to)\s*(\d[\d,]*)\s*(?:employees)?\s*$")
_OPEN_RANGE = re.compile(r"^\s*(\d[\d,]*)\s*(?:\+|or more)\s*(?:employees)?\s*$")
_LINKEDIN_SIZES = {enum: label for _, enum, label in LINKEDIN_STAFF_RANGES}
_LINKEDIN_SIZES["SIZE_10001_OR_MORE"] = "10001+"


def parse_size(value: str) -> tuple[int, int]:
    """Employee range of a company-size criterion, bounds inclusive.

    Accepts "51-200", "51 to 200", "201-500 employees", "10001+", "1000 or more" and
    LinkedIn's enums ("SIZE_51_TO_200", "SIZE_10001_OR_MORE"); raises ValueError else.
    """
    text = _LINKEDIN_SIZES.get(value.strip().upper(), value).lower()
    if text.strip() == "1":
        return 1, 1
    if match := _RANGE.match(text):
        low, high = (int(group.replace(",", "")) for group in match.groups())
        if low <= high:
            return low, high
    if match := _OPEN_RANGE.match(text):
        return int(match.group(1).replace(",", "")), 10**9
    raise ValueError(f"company size {value!r} is not a range like '51-200' or '10001+'")

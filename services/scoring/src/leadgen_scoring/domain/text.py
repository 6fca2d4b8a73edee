"""Word-level normalisation shared by the matchers: lower case, split on anything that
is not a letter or digit, drop filler words, and cut common English suffixes so that
"scaling" meets "scale" and "engineers" meets "engineering" (stemming-lite: no
dictionary, deterministic, good enough for keyword overlap)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")

STOPWORDS = frozenset(
    """a an and are as at be but by for from has have in into is it its of on or our the
    their them they this to was we were with you your i my me about across over per via
    who what when where how all any more most other some such than too very can will just
    new s""".split()
)

# Longest first; a cut must leave at least three letters.
# fmt: off
_SUFFIXES = (
    ("ations", "at"), ("ation", "at"), ("ments", ""), ("ment", ""), ("ings", ""), ("ing", ""),
    ("ities", ""), ("ity", ""), ("ies", "y"), ("ied", "y"), ("ers", ""), ("er", ""), ("ed", ""),
    ("es", ""), ("ly", ""), ("s", ""),
)
# fmt: on


def words(text: str) -> list[str]:
    """Lower-case alphanumeric words in order ("Time-to-market" -> time, to, market)."""
    return _WORD.findall(text.lower())


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed, '&' read as 'and':
    "São Paulo, BR" -> "sao paulo br", "IT & Services" -> "it and services"."""
    ascii_text = unicodedata.normalize("NFKD", text.replace("&", " and "))
    ascii_text = ascii_text.encode("ascii", "ignore").decode()
    return " ".join(words(ascii_text))


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """Cut up to two suffixes, then a final 'e': "engineering" -> "engineer" -> "engin",
    "scaling" and "scale" -> "scal", "automation" and "automated" -> "automat"."""
    if word.isdigit():
        return word
    for _ in range(2):
        word, cut = _cut(word)
        if not cut:
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _cut(word: str) -> tuple[str, bool]:
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us")):
                return word, False
            return word[: -len(suffix)] + replacement, True
    return word, False


@lru_cache(maxsize=8192)
def content_stems(text: str) -> tuple[str, ...]:
    """Stems of the words that carry meaning, in order, repeats dropped."""
    return tuple(dict.fromkeys(stem(w) for w in words(text) if w not in STOPWORDS))


def quote(text: str, limit: int = 60) -> str:
    """A value as it appears in a reason: quoted, shortened when long."""
    text = " ".join(text.split())
    return f"'{text}'" if len(text) <= limit else f"'{text[: limit - 1]}…'"

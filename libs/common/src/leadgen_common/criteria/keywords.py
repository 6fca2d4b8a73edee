"""Pain points and goals -> keyword phrases a people search looks for in profiles.

"Scaling engineering team" becomes "engineering team" and "Improve development
velocity" becomes "development velocity": verbs of intent at the start and filler
words go, the subject stays. A search matches a phrase when a profile has all its words.
"""

from __future__ import annotations

import re
from functools import cache

from .tables import load, text_key

# Words with inner hyphens, dots, slashes and pluses stay whole: time-to-market, ci/cd, c++.
_TOKEN = re.compile(r"\w[\w'+#./-]*[\w+#]|\w")


@cache
def _words() -> tuple[frozenset[str], frozenset[str], int]:
    table = load("keywords.json")
    return (
        frozenset(table["leading_words"]),
        frozenset(table["filler_words"]),
        int(table["min_word_length"]),
    )


def keyword_phrase(text: str) -> str | None:
    """The keyword phrase of one pain point or goal, or None if nothing is left."""
    leading, filler, min_length = _words()
    tokens = _TOKEN.findall(text.casefold())
    while tokens and tokens[0] in leading:
        tokens.pop(0)
    kept = [t for t in tokens if t not in filler and len(t) >= min_length]
    return " ".join(kept) or None


def keyword_phrases(texts: list[str], source: str) -> tuple[list[str], list[str]]:
    """(distinct phrases in order, warnings for texts that gave none)."""
    phrases: dict[str, str] = {}
    warnings: list[str] = []
    for text in texts:
        phrase = keyword_phrase(text)
        if phrase is None:
            warnings.append(f"{source} '{text}' has no keyword once filler words are removed")
        else:
            phrases.setdefault(text_key(phrase), phrase)
    return list(phrases.values()), warnings

"""Which entries of a keyword table a free text names: "DevOps automation" names the
DevOps and Automation interests, "Bachelor's or higher" the ALUM education status.

A text names an entry when it contains one of the entry's phrases as whole words, compared
case-, accent- and punctuation-insensitively. Phrases are taken longest first from left to
right and each word counts once, so "development velocity" is one phrase, not also
"velocity".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .tables import text_key


@dataclass(frozen=True, slots=True)
class PhraseIndex:
    phrases: dict[tuple[str, ...], str]  # phrase words -> the entry's name
    longest: int

    @classmethod
    def build(cls, entries: Iterable[tuple[str, Iterable[str]]]) -> PhraseIndex:
        """``entries``: (name, phrases). A phrase is the name's only once (first wins)."""
        phrases: dict[tuple[str, ...], str] = {}
        for name, words in entries:
            for phrase in words:
                key = tuple(text_key(phrase).split())
                if key:
                    phrases.setdefault(key, name)
        return cls(phrases, max((len(p) for p in phrases), default=0))

    def names_in(self, text: str) -> list[str]:
        """Names of the entries the text names, distinct, in the order they occur."""
        words = text_key(text).split()
        found: list[str] = []
        start = 0
        while start < len(words):
            for size in range(min(self.longest, len(words) - start), 0, -1):
                name = self.phrases.get(tuple(words[start : start + size]))
                if name is not None:
                    if name not in found:
                        found.append(name)
                    start += size
                    break
            else:
                start += 1
        return found


def has_phrase(text: str, phrase: str) -> bool:
    """Whether ``text`` contains ``phrase`` as whole words (both compared by text_key)."""
    return f" {text_key(phrase)} " in f" {text_key(text)} "

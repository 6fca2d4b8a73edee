"""X (Twitter) search query syntax, parsed and judged against bios.

    (CTO OR "VP Engineering") (SaaS OR "devops automation") -intern

Adjacent clauses are ANDed, ``OR`` alternates, parentheses group, a quoted phrase matches
its words in a row, ``-`` negates. The top-level clauses are what a search ranks by:
people meeting all of them first, then those meeting fewer; negated clauses only
filter. Operators (``is:retweet``, ``from:``, ...) filter posts, not users, so a users
search refuses them, as X does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .profile_text import ProfileText, tokens
from .selection import and_, not_, or_

MAX_QUERY_LENGTH = 512
_LEXEME = re.compile(r'\s*(?:(\()|(\))|(-?)"([^"]*)"|(-?)([^\s()"]+))')


class QueryError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Term:
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple


@dataclass(frozen=True, slots=True)
class Not:
    part: object


def _lex(query: str) -> list[tuple[str, str]]:
    """(kind, text) lexemes; kind is ( ) phrase word, "-" prefixed when negated."""
    out: list[tuple[str, str]] = []
    position, query = 0, query.strip()
    while position < len(query):
        match = _LEXEME.match(query, position)
        if not match or match.end() == position:
            raise QueryError(f"cannot parse the query at {query[position : position + 20]!r}")
        position = match.end()
        opening, closing, phrase_neg, phrase, word_neg, word = match.groups()
        if opening or closing:
            out.append((opening or closing, opening or closing))
        elif phrase is not None:
            out.append(("-phrase" if phrase_neg else "phrase", phrase))
        else:
            out.append(("-word" if word_neg else "word", word))
    return out


class _Parser:
    def __init__(self, lexemes: list[tuple[str, str]]) -> None:
        self.lexemes = lexemes
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.lexemes[self.at] if self.at < len(self.lexemes) else None

    def alternatives(self, closing: bool) -> object:
        options = [self.sequence(closing)]
        while (token := self.peek()) and token == ("word", "OR"):
            self.at += 1
            options.append(self.sequence(closing))
        return options[0] if len(options) == 1 else AnyOf(tuple(options))

    def sequence(self, closing: bool) -> object:
        parts = []
        while (token := self.peek()) and token != ("word", "OR") and token[0] != ")":
            parts.append(self.clause())
        if not parts:
            raise QueryError("an empty clause (check OR and parentheses)")
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def clause(self) -> object:
        kind, text = self.lexemes[self.at]
        self.at += 1
        if kind == "(":
            inner = self.alternatives(closing=True)
            if self.peek() != (")", ")"):
                raise QueryError("a '(' without its ')'")
            self.at += 1
            return inner
        if kind in ("word", "-word") and ":" in text.strip(":") and not text.startswith("http"):
            raise QueryError(f"Reference to invalid operator '{text.lstrip('-')}'")
        words = tokens(text)
        if not words:
            raise QueryError(f"the term {text!r} has no words")
        term = Term(words)
        return Not(term) if kind.startswith("-") else term


def parse(query: str) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """(the top-level clauses to rank by, the negated ones that filter)."""
    if not query.strip():
        raise QueryError("the query is empty")
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(f"the query is longer than {MAX_QUERY_LENGTH} characters")
    parser = _Parser(_lex(query))
    tree = parser.alternatives(closing=False)
    if parser.peek() is not None:
        raise QueryError("a ')' without its '('")
    parts = tree.parts if isinstance(tree, AllOf) else (tree,)
    ranked = tuple(p for p in parts if not isinstance(p, Not))
    negated = tuple(p for p in parts if isinstance(p, Not))
    if not ranked:
        raise QueryError("the query has only negated terms")
    return ranked, negated


def mask(node: object, text: ProfileText) -> bytes:
    if isinstance(node, Term):
        return text.phrase_mask(node.words)
    if isinstance(node, AnyOf):
        return or_(*(mask(part, text) for part in node.parts))
    if isinstance(node, AllOf):
        return and_(*(mask(part, text) for part in node.parts))
    if isinstance(node, Not):
        return not_(mask(node.part, text))
    raise TypeError(node)


def describe(node: object) -> str:
    """The clause as X would print it (for matched criteria)."""
    if isinstance(node, Term):
        text = " ".join(node.words)
        return f'"{text}"' if len(node.words) > 1 else text
    if isinstance(node, AnyOf):
        return "(" + " OR ".join(describe(p) for p in node.parts) + ")"
    if isinstance(node, AllOf):
        return " ".join(describe(p) for p in node.parts)
    if isinstance(node, Not):
        return "-" + describe(node.part)
    raise TypeError(node)

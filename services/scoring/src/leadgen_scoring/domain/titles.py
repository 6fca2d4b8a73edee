"""Job titles: normalise, read seniority and function, and compare with partial credit.

"VP of Engineering", "Vice President, Engineering" and "VP Engineering" normalise to the
same words; "Chief Technology Officer" becomes "cto". A title that is not the ICP's but
shares its function and sits near its seniority ("Head of Engineering" for "VP
Engineering") earns partial credit, and the reason says which relation held.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .text import stem, words

# fmt: off
_CHIEF_OFFICERS = {
    "technology": "cto", "technical": "cto", "executive": "ceo", "information": "cio",
    "information security": "ciso", "security": "cso", "product": "cpo", "operating": "coo",
    "financial": "cfo", "finance": "cfo", "marketing": "cmo", "revenue": "cro", "data": "cdo",
    "people": "chro", "human resources": "chro", "customer": "cco", "commercial": "cco",
    "legal": "clo", "digital": "cdio",
}
_CHIEF = re.compile(r"\bchief ([a-z ]+?) officer\b")
_PHRASES = (
    ("vice president", "vp"), ("human resources", "hr"), ("general manager", "gm"),
    ("managing director", "md"), ("co founder", "cofounder"), ("information technology", "it"),
    ("business development", "bizdev"), ("customer success", "cs"), ("machine learning", "ml"),
    ("site reliability", "sre"), ("account executive", "ae"), ("user experience", "ux"),
)
_ABBREVIATIONS = {
    "sr": "senior", "snr": "senior", "jr": "junior", "mgr": "manager", "dir": "director",
    "eng": "engineering", "engg": "engineering", "dev": "development", "ops": "operations",
    "mktg": "marketing", "tech": "technology", "exec": "executive", "hd": "head",
    "founder": "cofounder", "svp": "senior vp", "evp": "executive vp", "avp": "assistant vp",
}
_FILLER = frozenset({"a", "an", "and", "at", "for", "global", "group", "in", "of", "the", "to"})

#: Seniority ladder, checked in this order: the first level a title names wins (junior
#: before individual contributor, so "Junior Engineer" is junior).
_LEVELS: tuple[tuple[int, str, frozenset[str]], ...] = (
    (7, "C-level", frozenset({
        "cco", "cdio", "cdo", "ceo", "cfo", "chief", "chro", "cio", "ciso", "clo", "cmo",
        "cofounder", "coo", "cpo", "cro", "cso", "cto", "md", "owner", "president",
    })),
    (6, "VP", frozenset({
        "vp",
    })),
    (5, "head", frozenset({
        "gm", "head",
    })),
    (4, "director", frozenset({
        "director",
    })),
    (3, "manager", frozenset({
        "lead", "leader", "manager", "supervisor",
    })),
    (2, "senior", frozenset({
        "architect", "principal", "senior", "staff",
    })),
    (0, "junior", frozenset({
        "apprentice", "assistant", "intern", "junior", "trainee",
    })),
    (1, "individual contributor", frozenset({
        "accountant", "administrator", "ae", "analyst", "associate", "bdr", "consultant",
        "coordinator", "designer", "developer", "engineer", "officer", "programmer", "recruiter",
        "representative", "scientist", "sdr", "specialist", "technician",
    })),
)

#: Function families; words are stemmed when compared.
_FUNCTIONS: dict[str, frozenset[str]] = {
    "engineering": frozenset({
        "architect", "architecture", "backend", "cto", "developer", "development", "devops",
        "engineer", "engineering", "frontend", "fullstack", "infrastructure", "platform",
        "programmer", "qa", "software", "sre", "technical", "technology",
    }),
    "product": frozenset({
        "cpo", "product",
    }),
    "it": frozenset({
        "cio", "helpdesk", "it", "network", "systems",
    }),
    "security": frozenset({
        "ciso", "cso", "cybersecurity", "infosec", "security",
    }),
    "data": frozenset({
        "ai", "analytics", "bi", "cdo", "data", "intelligence", "ml",
    }),
    "design": frozenset({
        "creative", "design", "designer", "ui", "ux",
    }),
    "sales": frozenset({
        "account", "ae", "bdr", "bizdev", "cro", "partnerships", "revenue", "sales", "sdr",
    }),
    "marketing": frozenset({
        "brand", "cmo", "communications", "content", "demand", "growth", "marketing", "pr",
    }),
    "customer": frozenset({
        "cco", "cs", "service", "support",
    }),
    "finance": frozenset({
        "accountant", "accounting", "audit", "cfo", "controller", "finance", "financial", "fp",
        "treasury",
    }),
    "people": frozenset({
        "chro", "hr", "people", "recruiter", "recruiting", "talent",
    }),
    "operations": frozenset({
        "coo", "logistics", "operations", "procurement", "supply",
    }),
    "legal": frozenset({
        "attorney", "clo", "compliance", "counsel", "lawyer", "legal",
    }),
    "executive": frozenset({
        "ceo", "cofounder", "gm", "md", "owner", "president",
    }),
}
#: Functions close enough to share buyers (a VP Product often co-decides with a VP Eng).
_RELATED = {frozenset(pair) for pair in (
    ("customer", "marketing"), ("customer", "sales"), ("data", "engineering"),
    ("data", "product"), ("design", "product"), ("engineering", "it"), ("engineering", "product"),
    ("engineering", "security"), ("executive", "operations"), ("finance", "operations"),
    ("it", "security"), ("legal", "security"), ("marketing", "sales"),
)}
# fmt: on
_STEMMED_FUNCTIONS = {name: frozenset(stem(w) for w in ws) for name, ws in _FUNCTIONS.items()}

#: Credit by function relation ("unknown": the ICP title names no function we know;
#: "unrecognised": the profile's does not, which is most likely a different one).
_FUNCTION_CREDIT = {
    "same": 1.0,
    "related": 0.55,
    "unknown": 0.4,
    "different": 0.28,
    "unrecognised": 0.28,
}
#: Credit by seniority gap (0, 1, 2, 3, 4+ levels). Above the ICP's level still decides
#: (a CTO for "VP Engineering"); below it mostly influences, so it costs more.
_ABOVE_CREDIT = (0.9, 0.8, 0.65, 0.5, 0.4)
_BELOW_CREDIT = (0.9, 0.6, 0.35, 0.15, 0.05)
#: Credit factor when either title's seniority cannot be read.
_UNCLEAR_LEVEL_CREDIT = 0.5


@dataclass(frozen=True, slots=True)
class Title:
    text: str
    words: frozenset[str]
    level: int | None
    level_name: str | None
    functions: frozenset[str]


@dataclass(frozen=True, slots=True)
class TitleMatch:
    score: float
    icp_title: str
    detail: str | None  # None for a match; else how the titles relate, for the reason


def _normalised_words(text: str) -> list[str]:
    lowered = " ".join(words(text))
    lowered = _CHIEF.sub(lambda m: _CHIEF_OFFICERS.get(m.group(1).strip(), "chief"), lowered)
    for phrase, short in _PHRASES:
        lowered = re.sub(rf"\b{phrase}\b", short, lowered)
    out = " ".join(_ABBREVIATIONS.get(w, w) for w in lowered.split()).split()
    return [w for w in out if w not in _FILLER]


@lru_cache(maxsize=4096)
def parse_title(text: str) -> Title:
    normal = _normalised_words(text)
    found = set(normal)
    level = next(((lv, name) for lv, name, keys in _LEVELS if found & keys), (None, None))
    stems = {stem(w) for w in normal}
    functions = frozenset(name for name, keys in _STEMMED_FUNCTIONS.items() if stems & keys)
    return Title(text, frozenset(stem(w) for w in normal), level[0], level[1], functions)


def _function_relation(a: Title, b: Title) -> str:
    if not b.functions:
        return "unknown"
    if not a.functions:
        return "unrecognised"
    if a.functions & b.functions:
        return "same"
    if any(frozenset((x, y)) in _RELATED for x in a.functions for y in b.functions):
        return "related"
    return "different"


def _level_credit(mine: Title, wanted: Title) -> float:
    if mine.level is None or wanted.level is None:
        return _UNCLEAR_LEVEL_CREDIT
    ladder = _ABOVE_CREDIT if mine.level >= wanted.level else _BELOW_CREDIT
    return ladder[min(abs(mine.level - wanted.level), len(ladder) - 1)]


def compare(profile_title: str, icp_title: str) -> TitleMatch:
    """How well one profile title matches one ICP title."""
    mine, wanted = parse_title(profile_title), parse_title(icp_title)
    if wanted.words and wanted.words <= mine.words and mine.level == wanted.level:
        return TitleMatch(1.0, icp_title, None)
    relation = _function_relation(mine, wanted)
    score = _FUNCTION_CREDIT[relation] * _level_credit(mine, wanted)
    return TitleMatch(round(score, 4), icp_title, f"{relation} function, {_levels(mine, wanted)}")


def _levels(a: Title, b: Title) -> str:
    if a.level is None or b.level is None:
        return "seniority unclear"
    if a.level == b.level:
        return f"both {a.level_name}"
    return f"{a.level_name} vs {b.level_name}"


def best_match(profile_title: str, icp_titles: list[str]) -> TitleMatch:
    """The ICP title the profile title matches best (first one on ties: deterministic)."""
    return max(
        (compare(profile_title, icp_title) for icp_title in icp_titles),
        key=lambda match: match.score,
    )

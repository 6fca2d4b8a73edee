"""Industries: compare a prospect's industry with the ICP's, with near-synonym credit
("SaaS" ~ "Software") and same-sector partial credit.

Names are made canonical with the industry table the ICP translation uses
(``leadgen_common.criteria``: "software", "Computer Software" and "B2B software" are all
"Computer Software"), so scoring and discovery agree on what a name means. This module
adds only what matching needs on top: which canonical industries are near-synonyms and
which sector each belongs to. A name the table does not know still matches by its
words: "Widgets Manufacturing" holds "widgets", so it matches an ICP "Widgets".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from leadgen_common.criteria.tables import linkedin_industries

from .text import content_stems, normalise

#: Credit of a near-synonym and of a different industry in the same sector.
CLOSE, SAME_SECTOR = 0.8, 0.4

# fmt: off
_SECTORS: dict[str, tuple[str, ...]] = {
    "tech": (
        "Computer Software", "Software as a Service (SaaS)", "Cloud Computing",
        "Computer & Network Security", "Information Technology & Services", "Data & Analytics",
        "Artificial Intelligence", "Internet", "Computer Hardware", "Semiconductors",
        "Telecommunications", "Computer Games", "E-Learning",
    ),
    "finance": (
        "Financial Services", "Banking", "Insurance", "Venture Capital & Private Equity",
        "Investment Management", "Accounting",
    ),
    "health": ("Hospital & Health Care", "Pharmaceuticals", "Biotechnology", "Medical Devices"),
    "consumer": ("Retail", "Consumer Goods", "Hospitality", "Food & Beverages"),
    "industrial": (
        "Manufacturing", "Automotive", "Aviation & Aerospace", "Construction",
        "Logistics and Supply Chain", "Oil & Energy", "Renewables & Environment", "Utilities",
        "Defense & Space",
    ),
    "media": (
        "Media Production", "Broadcast Media", "Publishing", "Entertainment", "Computer Games",
        "Marketing & Advertising",
    ),
    "education": ("Education Management", "E-Learning"),
    "public": (
        "Government Administration", "Non-Profit Organization Management", "Defense & Space",
    ),
    "professional": (
        "Legal Services", "Accounting", "Management Consulting", "Staffing and Recruiting",
        "Human Resources", "Real Estate", "Marketing & Advertising",
        "Information Technology & Services",
    ),
}

#: Near-synonyms: an ICP asking for one accepts the other with CLOSE credit.
_CLOSE = {frozenset(pair) for pair in (
    ("Computer Software", "Software as a Service (SaaS)"), ("Computer Software", "Cloud Computing"),
    ("Computer Software", "Computer & Network Security"), ("Computer Software", "Internet"),
    ("Computer Software", "Artificial Intelligence"), ("Computer Software", "Data & Analytics"),
    ("Software as a Service (SaaS)", "Cloud Computing"),
    ("Software as a Service (SaaS)", "Computer & Network Security"),
    ("Software as a Service (SaaS)", "Data & Analytics"),
    ("Software as a Service (SaaS)", "Internet"),
    ("Data & Analytics", "Artificial Intelligence"), ("Computer Hardware", "Semiconductors"),
    ("Financial Services", "Banking"), ("Financial Services", "Investment Management"),
    ("Financial Services", "Insurance"), ("Hospital & Health Care", "Medical Devices"),
    ("Pharmaceuticals", "Biotechnology"), ("Retail", "Consumer Goods"),
    ("Education Management", "E-Learning"), ("Marketing & Advertising", "Media Production"),
    ("Oil & Energy", "Renewables & Environment"), ("Oil & Energy", "Utilities"),
    ("Management Consulting", "Information Technology & Services"),
    ("Staffing and Recruiting", "Human Resources"), ("Aviation & Aerospace", "Defense & Space"),
)}
# fmt: on

_SECTORS_OF: dict[str, frozenset[str]] = {}
for _sector, _names in _SECTORS.items():
    for _name in _names:
        _SECTORS_OF[_name] = _SECTORS_OF.get(_name, frozenset()) | {_sector}


@dataclass(frozen=True, slots=True)
class IndustryMatch:
    score: float
    icp_industry: str
    relation: str  # "matches", "is close to", "is in the same sector as", "does not match"


@lru_cache(maxsize=4096)
def canonical(name: str) -> str | None:
    """The canonical industry a name means: the whole name, else its longest known part
    ("Enterprise Software Solutions" -> "Computer Software")."""
    lookup = linkedin_industries()
    if found := lookup.get(name):
        return found
    tokens = normalise(name).split()
    for size in range(len(tokens) - 1, 0, -1):
        for start in range(len(tokens) - size + 1):
            if found := lookup.get(" ".join(tokens[start : start + size])):
                return found
    return None


def sectors(industry: str | None) -> frozenset[str]:
    """Sectors of a canonical industry (empty for None or an unknown one)."""
    return _SECTORS_OF.get(industry, frozenset()) if industry else frozenset()


@lru_cache(maxsize=8192)
def compare(candidate: str, icp_industry: str) -> IndustryMatch:
    """How well a prospect's industry matches one ICP industry."""
    mine, wanted = canonical(candidate), canonical(icp_industry)
    wanted_stems = set(content_stems(icp_industry))
    if (mine and mine == wanted) or (
        wanted_stems and wanted_stems <= set(content_stems(candidate))
    ):
        return IndustryMatch(1.0, icp_industry, "matches")
    if mine and wanted and frozenset((mine, wanted)) in _CLOSE:
        return IndustryMatch(CLOSE, icp_industry, "is close to")
    if sectors(mine) & sectors(wanted):
        return IndustryMatch(SAME_SECTOR, icp_industry, "is in the same sector as")
    return IndustryMatch(0.0, icp_industry, "does not match")


def best_match(candidate: str, icp_industries: list[str]) -> IndustryMatch:
    """The ICP industry the candidate matches best (the first one on ties)."""
    return max(
        (compare(candidate, wanted) for wanted in icp_industries), key=lambda match: match.score
    )


def tag_match(tag: str, icp_industries: list[str]) -> str | None:
    """The ICP industry a company tag names outright ("SAAS" names "SaaS"), else None.
    Only whole names count: "Venture Capital Backed" is no venture capital firm."""
    named = linkedin_industries().get(tag) or normalise(tag)
    return next(
        (
            wanted
            for wanted in icp_industries
            if named in (linkedin_industries().get(wanted), normalise(wanted))
        ),
        None,
    )

"""ICP -> X (Twitter) API v2 search queries (spec §4.1), and a campaign's overrides.

    query       users search (GET /2/users/search): the titles ORed, ANDed with the
                industry terms and keywords ORed:
                (CTO OR "VP Engineering") (software OR SaaS OR "engineering team")
    postsQuery  recent search (GET /2/tweets/search/recent): the industry terms and
                keywords ORed, plus post-only operators (-is:retweet); the authors are the
                prospects
    titles      demographics.jobTitles in the query, as written (distinct)
    industries  firmographics.industry -> the words a bio uses ("Cybersecurity" ->
                cybersecurity, infosec); an industry the table does not know is searched
                as written, since X searches free text
    keywords    psychographics.painPoints + goals -> keyword phrases

Each query stays within X's query length (twitter.json, 512): the least important terms go
first (the last keywords, then industry terms, then titles) and a warning names them.
Location, age, company size and education have no X search operator for users and are
left to scoring.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..contracts.icp import Icp
from .keywords import keyword_phrases
from .tables import linkedin_industries, load
from .translation import Translation
from .values import OverrideNames, as_texts, cap, distinct
from .x_query import Fitted, fit

Terms = dict[str, list[str]]  # titles / industries / keywords -> terms, most important first


@cache
def _table() -> dict[str, Any]:
    return load("twitter.json")


@cache
def _reserved() -> frozenset[str]:
    return frozenset(_table()["reserved_words"])


@cache
def _override_names() -> OverrideNames:
    return OverrideNames(_table()["override_keys"])


def industry_terms(value: str) -> list[str]:
    """Bio words for an ICP industry: the table's for a known industry, else the value."""
    canonical = linkedin_industries().get(value)
    if canonical is None:
        return [value.strip()]
    return list(_table()["industry_terms"][canonical])


def _industries(texts: list[str], source: str) -> tuple[list[str], list[str]]:
    return distinct(term for text in texts for term in industry_terms(text)), []


def _titles(texts: list[str], source: str) -> tuple[list[str], list[str]]:
    return distinct(texts), []


MAPPERS = {"titles": _titles, "industries": _industries, "keywords": keyword_phrases}


def translate(icp: Icp, overrides: dict[str, Any] | None = None) -> Translation:
    d, f, p = icp.demographics, icp.firmographics, icp.psychographics
    terms: Terms = {}
    warnings: list[str] = []
    sources_by_key = {
        "titles": [("demographics.jobTitles", d.job_titles)],
        "industries": [("firmographics.industry", f.industry)],
        "keywords": [
            ("psychographics.painPoints", p.pain_points),
            ("psychographics.goals", p.goals),
        ],
    }
    for key, sources in sources_by_key.items():
        mapped: list[str] = []
        for source, texts in sources:
            values, problems = MAPPERS[key](texts, source)
            mapped += values
            warnings += problems
        terms[key] = distinct(mapped)
    raw_query, problems = _apply_overrides(terms, overrides or {})
    warnings += problems
    warnings += _apply_limits(terms)
    criteria, problems = _queries(terms, raw_query)
    warnings += problems
    return Translation(criteria, warnings)


def _apply_overrides(terms: Terms, overrides: dict[str, Any]) -> tuple[str | None, list[str]]:
    """searchCriteria.twitter replaces the terms it names; a ``query`` is sent as written."""
    raw_query: str | None = None
    warnings: list[str] = []
    for name, value in overrides.items():
        source = f"searchCriteria.twitter.{name}"
        key = _override_names().key_for(name)
        if key is None:
            warnings.append(_override_names().unknown(source, "X"))
        elif key == "query":
            raw_query, problem = _raw_query(value, source)
            warnings += problem
        else:
            texts = as_texts(value)
            if texts is None:
                warnings.append(f"{source} must be a string or a list of strings; ignored")
                continue
            mapped, problems = MAPPERS[key](texts, source)
            warnings += problems
            if mapped:
                terms[key] = distinct(mapped)
            else:
                warnings.append(f"{source} has no usable value; the ICP's {key} is kept")
    return raw_query, warnings


def _raw_query(value: Any, source: str) -> tuple[str | None, list[str]]:
    limit = _table()["max_query_length"]
    if not isinstance(value, str) or not value.strip():
        return None, [f"{source} must be a non-empty query string; ignored"]
    if len(value.strip()) > limit:
        return None, [
            f"{source} is {len(value.strip())} characters, X takes {limit}; ignored, "
            "the query is built from the ICP"
        ]
    return value.strip(), []


def _apply_limits(terms: Terms) -> list[str]:
    warnings: list[str] = []
    for key, limit in _table()["limits"].items():
        terms[key], cut = cap(terms.get(key, []), limit, key, "X")
        warnings += cut
    return warnings


def _queries(terms: Terms, raw_query: str | None) -> tuple[dict[str, Any], list[str]]:
    limit = _table()["max_query_length"]
    topics = terms["industries"] + terms["keywords"]
    warnings: list[str] = []
    criteria: dict[str, Any] = {}
    if raw_query is not None:
        criteria["query"] = raw_query
        users = None
    else:
        users = fit([terms["titles"], topics], [], limit, _reserved())
        warnings += _dropped("query", users, limit)
        if users.query:
            criteria["query"] = users.query
    posts = fit([topics], _table()["posts_operators"], limit, _reserved())
    warnings += _dropped("postsQuery", posts, limit)
    if posts.query:
        criteria["postsQuery"] = posts.query
    if not criteria:
        warnings.append(
            "nothing in the ICP gives an X search term (titles, industries, pain points or "
            "goals); there is no query to search"
        )
    criteria.update(_used_terms(terms, users, posts))
    return criteria, warnings


def _dropped(name: str, fitted: Fitted, limit: int) -> list[str]:
    if not fitted.dropped:
        return []
    named = ", ".join(f"'{term}'" for term in fitted.dropped)
    return [
        f"{name}: over X's {limit}-character query limit; left out, least important first: {named}"
    ]


def _used_terms(terms: Terms, users: Fitted | None, posts: Fitted) -> dict[str, list[str]]:
    """The terms some query holds, per kind (a term left out of every query is not used)."""
    in_topics = set((users.groups[1] if users else []) + posts.groups[0])
    used = {
        "titles": users.groups[0] if users else [],
        "industries": [t for t in terms["industries"] if t in in_topics],
        "keywords": [t for t in terms["keywords"] if t in in_topics],
    }
    return {key: values for key, values in used.items() if values}

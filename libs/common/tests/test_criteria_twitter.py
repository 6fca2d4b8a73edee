"""ICP -> X (Twitter) API v2 queries: the sample ICP, then one edge case per row."""

from __future__ import annotations

from typing import Any

import pytest
from leadgen_common.contracts import Icp, Platform
from leadgen_common.criteria import translate
from leadgen_common.criteria.tables import load
from leadgen_common.criteria.x_query import fit, group, quoted
from leadgen_common.samples import sample_icp_path

SAMPLE_ICP = sample_icp_path()
LIMIT = load("twitter.json")["max_query_length"]
RESERVED = frozenset(load("twitter.json")["reserved_words"])
SAMPLE_TOPICS = (
    '(software OR SaaS OR cloud OR cybersecurity OR infosec OR "engineering team" OR '
    '"technical debt management" OR "devops automation" OR "security compliance" OR '
    '"development velocity" OR "operational costs" OR "product quality" OR "time-to-market")'
)


def sample_icp() -> Icp:
    return Icp.model_validate_json(SAMPLE_ICP.read_text())


def icp(**sections: dict[str, Any]) -> Icp:
    return Icp.model_validate({"name": "edge case", **sections})


def test_the_limit_is_xs_self_serve_query_length():
    assert LIMIT == 512


def test_sample_icp_translates_to_users_and_posts_queries():
    result = translate(sample_icp(), Platform.TWITTER)

    assert result.criteria == {
        "query": '(CTO OR "VP Engineering" OR "Director of Engineering" OR "Head of Product") '
        + SAMPLE_TOPICS,
        "postsQuery": SAMPLE_TOPICS + " -is:retweet",
        "titles": ["CTO", "VP Engineering", "Director of Engineering", "Head of Product"],
        "industries": ["software", "SaaS", "cloud", "cybersecurity", "infosec"],
        "keywords": [
            "engineering team",
            "technical debt management",
            "devops automation",
            "security compliance",
            "development velocity",
            "operational costs",
            "product quality",
            "time-to-market",
        ],
    }
    assert result.warnings == []
    assert len(result.criteria["query"]) <= LIMIT


LONG_PAINS = [f"Struggling with legacy platform migration number {i}" for i in range(40)]

# (id, ICP sections, overrides, expected criteria subset, expected warnings (fragments))
EDGE_CASES: list[tuple[str, dict[str, Any], dict[str, Any] | None, dict[str, Any], list[str]]] = [
    (
        "empty-icp-has-no-query-and-says-so",
        {},
        None,
        {},
        ["twitter: nothing in the ICP gives an X search term"],
    ),
    (
        "titles-only-make-a-users-query-and-no-posts-query",
        {"demographics": {"jobTitles": ["CTO"], "location": "Deutschland", "ageRange": "35-55"}},
        None,
        {"query": "CTO", "titles": ["CTO"]},  # location and age have no X operator
        [],
    ),
    (
        "unknown-industry-is-searched-as-written",
        {"firmographics": {"industry": ["Underwater Basket Weaving", "fintech"]}},
        None,
        {
            "query": '("Underwater Basket Weaving" OR fintech OR "financial services")',
            "postsQuery": '("Underwater Basket Weaving" OR fintech OR "financial services") '
            "-is:retweet",
            "industries": ["Underwater Basket Weaving", "fintech", "financial services"],
        },
        [],
    ),
    (
        "non-english-titles-stay-whole-words-or-phrases",
        {
            "demographics": {
                "jobTitles": ["Geschäftsführer", "Directeur Général", "Director España"]
            }
        },
        None,
        {
            "query": '(Geschäftsführer OR "Directeur Général" OR "Director España")',
            "titles": ["Geschäftsführer", "Directeur Général", "Director España"],
        },
        [],
    ),
    (
        "duplicates-and-mixed-case-collapse",
        {
            "demographics": {"jobTitles": ["CTO", "cto", "Cto "]},
            "firmographics": {"industry": ["SaaS", "saas", "Software as a Service"]},
        },
        None,
        {"query": "CTO SaaS", "postsQuery": "SaaS -is:retweet", "industries": ["SaaS"]},
        [],
    ),
    (
        "reserved-words-operators-and-quotes-are-quoted",
        {"demographics": {"jobTitles": ["OR", "C++ Developer", 'The "Best" CTO', "-is:retweet"]}},
        None,
        {"query": '("OR" OR "C++ Developer" OR "The Best CTO" OR "-is:retweet")'},
        [],
    ),
    (
        "over-the-limit-drops-keywords-first-and-names-them",
        {
            "demographics": {"jobTitles": ["CTO", "VP Engineering"]},
            "firmographics": {"industry": ["SaaS"]},
            "psychographics": {"painPoints": LONG_PAINS},
        },
        None,
        {"titles": ["CTO", "VP Engineering"], "industries": ["SaaS"]},
        [
            "twitter: query: over X's 512-character query limit; left out, least important "
            "first: 'struggling legacy platform migration number 39', ",
            "twitter: postsQuery: over X's 512-character query limit; left out",
        ],
    ),
    (
        "empty-keywords-are-warnings",
        {"demographics": {"jobTitles": ["CTO"]}, "psychographics": {"goals": ["Improve", "AI"]}},
        None,
        {"query": "CTO ai", "postsQuery": "ai -is:retweet", "keywords": ["ai"]},
        ["twitter: psychographics.goals 'Improve' has no keyword"],
    ),
    (
        "override-query-is-sent-as-written",
        {"demographics": {"jobTitles": ["CTO"]}, "firmographics": {"industry": ["SaaS"]}},
        {"query": "from:someone saas"},
        {"query": "from:someone saas", "postsQuery": "SaaS -is:retweet", "industries": ["SaaS"]},
        [],
    ),
    (
        "override-query-over-the-limit-is-ignored",
        {"demographics": {"jobTitles": ["CTO"]}},
        {"q": "x" * 600},
        {"query": "CTO", "titles": ["CTO"]},
        ["twitter: searchCriteria.twitter.q is 600 characters, X takes 512; ignored"],
    ),
    (
        "override-terms-replace-and-bad-ones-are-warnings",
        {"demographics": {"jobTitles": ["CTO"]}, "firmographics": {"industry": ["SaaS"]}},
        {"titles": "CFO, VP Finance", "industry": {"a": 1}, "hashtags": ["#x"]},
        {"query": '(CFO OR "VP Finance") SaaS', "titles": ["CFO", "VP Finance"]},
        [
            "twitter: searchCriteria.twitter.industry must be a string or a list of strings",
            "twitter: searchCriteria.twitter.hashtags is not a X criterion",
        ],
    ),
]


@pytest.mark.parametrize(
    ("sections", "overrides", "expected", "warnings"),
    [case[1:] for case in EDGE_CASES],
    ids=[case[0] for case in EDGE_CASES],
)
def test_twitter_edge_cases(
    sections: dict[str, Any],
    overrides: dict[str, Any] | None,
    expected: dict[str, Any],
    warnings: list[str],
):
    result = translate(icp(**sections), Platform.TWITTER, overrides)

    assert {k: v for k, v in result.criteria.items() if k in expected} == expected
    assert all(len(q) <= LIMIT for k, q in result.criteria.items() if k.endswith("uery"))
    assert len(result.warnings) == len(warnings), result.warnings
    for fragment, warning in zip(warnings, result.warnings, strict=True):
        assert fragment in warning


def test_huge_title_list_keeps_the_first_titles_that_fit_and_names_the_rest():
    titles = [f"Title number {i}" for i in range(300)]
    result = translate(sample_icp(), "twitter", {"titles": titles})

    query = result.criteria["query"]
    kept = result.criteria["titles"]
    assert len(query) <= LIMIT
    assert kept == titles[: len(kept)] and 10 < len(kept) < 50
    assert query == "(" + " OR ".join(f'"{t}"' for t in kept) + ")"
    assert result.criteria["postsQuery"] == SAMPLE_TOPICS + " -is:retweet"  # topics still fit
    capped, dropped = result.warnings
    assert "titles: 300 values, X is sent the first 50; left out: 'Title number 50'," in capped
    assert f"'Title number {len(kept)}'" in dropped and "'Title number 49'" in dropped
    assert "'software'" in dropped  # topics go before any title


@pytest.mark.parametrize(
    ("term", "shown"),
    [
        ("CTO", "CTO"),
        ("VP Engineering", '"VP Engineering"'),
        ("time-to-market", '"time-to-market"'),
        ("or", '"or"'),
        ('say "hi"', '"say hi"'),
        ("ünïcode", "ünïcode"),
    ],
)
def test_terms_are_quoted_unless_one_plain_word(term: str, shown: str):
    assert quoted(term, RESERVED) == shown


def test_groups_and_fitting():
    assert group([]) == "" and group(["a"]) == "a" and group(["a", "b"]) == "(a OR b)"
    fitted = fit([["aaaa", "bbbb"], ["cccc", "dddd"]], ["-is:retweet"], 31, RESERVED)
    assert fitted.query == "(aaaa OR bbbb) cccc -is:retweet"
    assert fitted.dropped == ["dddd"]
    assert fit([[], []], ["-is:retweet"], 30, RESERVED).query == ""

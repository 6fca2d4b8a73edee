"""ICP -> LinkedIn criteria: the sample ICP, then one edge case per row."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from leadgen_common.contracts import Icp, Platform
from leadgen_common.criteria import Translation, translate
from leadgen_common.samples import sample_icp_path

SAMPLE_ICP = sample_icp_path()


def sample_icp() -> Icp:
    return Icp.model_validate_json(SAMPLE_ICP.read_text())


def icp(**sections: dict[str, Any]) -> Icp:
    return Icp.model_validate({"name": "edge case", **sections})


def test_sample_icp_translates_without_warnings():
    result = translate(sample_icp(), Platform.LINKEDIN)

    assert result == Translation(
        criteria={
            "titles": ["CTO", "VP Engineering", "Director of Engineering", "Head of Product"],
            "seniorities": ["CXO", "VP", "Director"],
            "seniorityIds": ["8", "7", "6"],
            "locations": ["United States", "United Kingdom", "Canada"],
            "geoIds": ["103644278", "101165590", "101174742"],
            "industries": [
                "Computer Software",
                "Software as a Service (SaaS)",
                "Cloud Computing",
                "Computer & Network Security",
            ],
            "industryIds": ["4", "96", "118"],
            "companySizes": ["51-200", "201-500", "501-1000"],
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
            "activityLevel": "high",
        },
        warnings=[],
    )


def test_spec_9_1_overrides_narrow_titles_sizes_and_location():
    overrides = {
        "titles": ["CTO", "VP Engineering"],
        "companySize": ["51-200", "201-500"],
        "location": "United States",
    }
    result = translate(sample_icp(), "linkedin", overrides)

    assert result.criteria["titles"] == ["CTO", "VP Engineering"]
    assert result.criteria["seniorities"] == ["CXO", "VP"]  # derived from the new titles
    assert result.criteria["companySizes"] == ["51-200", "201-500"]
    assert result.criteria["locations"] == ["United States"]
    assert result.criteria["geoIds"] == ["103644278"]
    assert (
        result.criteria["industries"] == translate(sample_icp(), "linkedin").criteria["industries"]
    )
    assert result.warnings == []


# (id, ICP sections, overrides, expected criteria subset, expected warning fragments)
EDGE_CASES: list[tuple[str, dict[str, Any], dict[str, Any] | None, dict[str, Any], list[str]]] = [
    (
        "empty-icp-is-unfiltered-and-says-so",
        {},
        None,
        {},
        ["linkedin: nothing in the ICP maps to a LinkedIn search filter"],
    ),
    (
        "size-shapes-map-to-bands",
        {"firmographics": {"companySize": ["50-200", "201-500 employees", "1000+"]}},
        None,
        {"companySizes": ["51-200", "201-500", "1001-5000", "5001-10000", "10001+"]},
        [],
    ),
    (
        "size-range-across-bands-takes-every-overlapping-band",
        {"firmographics": {"companySize": ["45-60", "1,000-5,000", "10K+"]}},
        None,
        {"companySizes": ["11-50", "51-200", "1001-5000", "10001+"]},
        [],
    ),
    (
        "size-words-and-bounds",
        {"firmographics": {"companySize": ["under 50", "between 100 and 300"]}},
        None,
        {"companySizes": ["1-10", "11-50", "51-200", "201-500"]},
        [],
    ),
    (
        "unparseable-and-reversed-sizes-are-warnings",
        {"firmographics": {"companySize": ["medium", "500-100", "51-200"]}},
        None,
        {"companySizes": ["51-200"]},
        ["'medium' is not a company size", "'500-100' is not a company size"],
    ),
    (
        "unknown-industry-is-a-warning-known-ones-stay",
        {"firmographics": {"industry": ["Underwater Basket Weaving", "fintech", "Health Care"]}},
        None,
        {
            "industries": ["Financial Services", "Hospital & Health Care"],
            "industryIds": ["43", "14"],
        },
        ["firmographics.industry 'Underwater Basket Weaving' is not a known LinkedIn industry"],
    ),
    (
        "non-english-locations",
        {
            "demographics": {
                "location": "Deutschland, Royaume-Uni, España, São Paulo, 日本, München"
            }
        },
        None,
        {
            "locations": ["Germany", "United Kingdom", "Spain", "Sao Paulo", "Japan", "Munich"],
            "geoIds": [
                "101282230",
                "101165590",
                "105646813",
                "800000069",
                "101355337",
                "800000033",
            ],
        },
        [],
    ),
    (
        "location-spellings-collapse-and-unknown-is-a-warning",
        {"demographics": {"location": ["USA", "United States", "U.S.", "the UK", "Atlantis"]}},
        None,
        {"locations": ["United States", "United Kingdom"], "geoIds": ["103644278", "101165590"]},
        ["demographics.location 'Atlantis' is not a known LinkedIn location; not searched"],
    ),
    (
        "company-geography-when-no-person-location",
        {"firmographics": {"geography": "North America, DACH, Western Europe"}},
        None,
        {
            "locations": ["North America", "DACH", "Western Europe"],
            # areas are searched as their countries: US CA MX, DE AT CH, then BE FR GB IE LU NL
            "geoIds": [
                "103644278",
                "101174742",
                "103323778",
                "101282230",
                "103883259",
                "106693272",
                "100565514",
                "105015875",
                "101165590",
                "104738515",
                "104042105",
                "102890719",
            ],
        },
        [],
    ),
    (
        "duplicate-titles-collapse-case-insensitively",
        {"demographics": {"jobTitles": ["CTO", "cto", " VP Sales ", "VP  sales"]}},
        None,
        {"titles": ["CTO", "VP Sales"], "seniorities": ["CXO", "VP"], "seniorityIds": ["8", "7"]},
        [],
    ),
    (
        "huge-title-list-is-cut-and-the-cut-reported",
        {"demographics": {"jobTitles": [f"Title {i}" for i in range(100)]}},
        None,
        {"titles": [f"Title {i}" for i in range(50)]},
        [
            "titles: 100 values, LinkedIn is sent the first 50; left out: 'Title 50', ",
            "seniorities: 'Title 0', 'Title 1', ",
        ],
    ),
    (
        "keywords-merge-pain-points-and-goals-and-report-empty-ones",
        {
            "psychographics": {
                "painPoints": ["Slow CI/CD pipelines", "Improve"],
                "goals": ["Reduce slow CI/CD pipelines", "Grow ARR"],
            }
        },
        None,
        {"keywords": ["slow ci/cd pipelines", "arr"]},
        ["psychographics.painPoints 'Improve' has no keyword"],
    ),
    (
        "activity-only-when-linkedin-is-a-channel",
        {
            "behaviors": {"preferredChannels": ["Email", "Trade shows"]},
            "demographics": {"jobTitles": ["CFO"]},
        },
        None,
        {"titles": ["CFO"], "seniorities": ["CXO"], "seniorityIds": ["8"]},
        [],
    ),
    (
        "override-unknown-key-and-bad-values-are-warnings",
        {"demographics": {"jobTitles": ["CTO"], "location": "Canada"}},
        {
            "salary": ["VP"],
            "location": ["Atlantis"],
            "titles": {"a": 1},
            "activityLevel": "extreme",
        },
        {
            "titles": ["CTO"],
            "seniorities": ["CXO"],
            "seniorityIds": ["8"],
            "locations": ["Canada"],
            "geoIds": ["101174742"],
        },
        [
            "searchCriteria.linkedin.salary is not a LinkedIn criterion",
            "searchCriteria.linkedin.location 'Atlantis' is not a known LinkedIn location",
            "searchCriteria.linkedin.location has no usable value; the ICP's locations is kept",
            "searchCriteria.linkedin.titles must be a string or a list of strings",
            "searchCriteria.linkedin.activityLevel 'extreme' is not one of low, medium, high",
            "searchCriteria.linkedin.activityLevel has no usable value",
        ],
    ),
    (
        "override-adds-a-criterion-the-icp-lacks",
        {"demographics": {"jobTitles": ["CTO"]}},
        {"industry": "Software, Cybersecurity", "companySizes": ["SIZE_51_TO_200"]},
        {
            "titles": ["CTO"],
            "seniorities": ["CXO"],
            "seniorityIds": ["8"],
            "industries": ["Computer Software", "Computer & Network Security"],
            "industryIds": ["4", "118"],
            "companySizes": ["51-200"],
        },
        [],
    ),
    (
        "seniorities-from-titles-most-senior-first",
        {
            "demographics": {
                "jobTitles": ["Head of Growth", "Co-Founder", "Senior Product Manager", "SVP Sales"]
            }
        },
        None,
        {
            "titles": ["Head of Growth", "Co-Founder", "Senior Product Manager", "SVP Sales"],
            "seniorities": ["Owner", "VP", "Director", "Senior"],
            "seniorityIds": ["10", "7", "6", "4"],
        },
        [],
    ),
    (
        "a-title-without-a-level-means-no-seniority-filter",
        {"demographics": {"jobTitles": ["CTO", "Software Engineer"]}},
        None,
        {"titles": ["CTO", "Software Engineer"]},
        [
            "linkedin: seniorities: 'Software Engineer' names no LinkedIn seniority level; "
            "the search is not filtered on seniority"
        ],
    ),
    (
        "seniority-override-by-name-alias-or-id-wins-over-titles",
        {"demographics": {"jobTitles": ["CTO", "Software Engineer"]}},
        {"seniorities": ["c-suite", "6", "Manager", "Emperor"]},
        {
            "titles": ["CTO", "Software Engineer"],
            "seniorities": ["CXO", "Director", "Manager"],
            "seniorityIds": ["8", "6", "5"],
        },
        ["searchCriteria.linkedin.seniorities 'Emperor' is not a known LinkedIn seniority level"],
    ),
    (
        "city-region-and-unknown-place-ids",
        {"demographics": {"location": ["San Francisco Bay Area", "Bayern", "Gotham"]}},
        None,
        {"locations": ["San Francisco", "Bavaria"], "geoIds": ["90000084", "800000036"]},
        ["demographics.location 'Gotham' is not a known LinkedIn location; not searched"],
    ),
]


@pytest.mark.parametrize(
    ("sections", "overrides", "expected", "warnings"),
    [case[1:] for case in EDGE_CASES],
    ids=[case[0] for case in EDGE_CASES],
)
def test_linkedin_edge_cases(
    sections: dict[str, Any],
    overrides: dict[str, Any] | None,
    expected: dict[str, Any],
    warnings: list[str],
):
    result = translate(icp(**sections), Platform.LINKEDIN, overrides)

    assert result.criteria == expected
    assert len(result.warnings) == len(warnings), result.warnings
    for fragment, warning in zip(warnings, result.warnings, strict=True):
        assert fragment in warning


def test_every_warning_names_the_platform():
    result = translate(
        icp(demographics={"jobTitles": ["CTO"]}, firmographics={"industry": ["Basket Weaving"]}),
        "linkedin",
    )

    assert result.warnings == [
        "linkedin: firmographics.industry 'Basket Weaving' is not a known LinkedIn industry; "
        "not searched"
    ]


def test_translation_is_pure_and_deterministic():
    source = sample_icp()
    overrides = {"titles": ["CTO"]}
    before = (source.model_dump(), copy.deepcopy(overrides))

    first = translate(source, "linkedin", overrides)
    first.criteria["titles"].append("mutated by a caller")
    second = translate(source, "linkedin", overrides)

    assert second.criteria["titles"] == ["CTO"]
    assert (source.model_dump(), overrides) == before

"""ICP -> LinkedIn criteria: the sample ICP, then one edge case per row."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from leadgen_common.contracts import Icp, Platform
from leadgen_common.criteria import NOT_SUPPORTED, Translation, translate

SAMPLE_ICP = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "sample-icp.json"


def sample_icp() -> Icp:
    return Icp.model_validate_json(SAMPLE_ICP.read_text())


def icp(**sections: dict[str, Any]) -> Icp:
    return Icp.model_validate({"name": "edge case", **sections})


def test_sample_icp_translates_without_warnings():
    result = translate(sample_icp(), Platform.LINKEDIN)

    assert result == Translation(
        criteria={
            "titles": ["CTO", "VP Engineering", "Director of Engineering", "Head of Product"],
            "locations": ["United States", "United Kingdom", "Canada"],
            "industries": [
                "Computer Software",
                "Software as a Service (SaaS)",
                "Cloud Computing",
                "Computer & Network Security",
            ],
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
    assert result.criteria["companySizes"] == ["51-200", "201-500"]
    assert result.criteria["locations"] == ["United States"]
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
        ["nothing in the ICP maps to a search filter"],
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
        {"industries": ["Financial Services", "Hospital & Health Care"]},
        ["firmographics.industry 'Underwater Basket Weaving' is not a known LinkedIn industry"],
    ),
    (
        "non-english-locations",
        {"demographics": {"location": "Deutschland, España, São Paulo, 日本, München, Suisse"}},
        None,
        {"locations": ["Germany", "Spain", "Sao Paulo", "Japan", "Munich", "Switzerland"]},
        [],
    ),
    (
        "location-spellings-collapse-and-unknown-is-a-warning",
        {"demographics": {"location": ["USA", "United States", "U.S.", "the UK", "Atlantis"]}},
        None,
        {"locations": ["United States", "United Kingdom"]},
        ["demographics.location 'Atlantis' is not a known LinkedIn location; not searched"],
    ),
    (
        "company-geography-when-no-person-location",
        {"firmographics": {"geography": "North America, Western Europe, DACH"}},
        None,
        {"locations": ["North America", "Western Europe", "DACH"]},
        [],
    ),
    (
        "duplicate-titles-collapse-case-insensitively",
        {"demographics": {"jobTitles": ["CTO", "cto", " VP Sales ", "VP  sales"]}},
        None,
        {"titles": ["CTO", "VP Sales"]},
        [],
    ),
    (
        "huge-title-list-is-cut-and-the-cut-reported",
        {"demographics": {"jobTitles": [f"Title {i}" for i in range(100)]}},
        None,
        {"titles": [f"Title {i}" for i in range(50)]},
        ["titles: 100 values, a LinkedIn search takes 50; not searched: 'Title 50', "],
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
        {"titles": ["CFO"]},
        [],
    ),
    (
        "override-unknown-key-and-bad-values-are-warnings",
        {"demographics": {"jobTitles": ["CTO"], "location": "Canada"}},
        {
            "seniority": ["VP"],
            "location": ["Atlantis"],
            "titles": {"a": 1},
            "activityLevel": "extreme",
        },
        {"titles": ["CTO"], "locations": ["Canada"]},
        [
            "searchCriteria.linkedin.seniority is not a LinkedIn criterion",
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
            "industries": ["Computer Software", "Computer & Network Security"],
            "companySizes": ["51-200"],
        },
        [],
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


@pytest.mark.parametrize("platform", [Platform.FACEBOOK, Platform.TWITTER])
def test_other_platforms_are_not_supported_yet(platform: Platform):
    result = translate(sample_icp(), platform, {"interests": ["SaaS"]})

    assert result == Translation({}, [f"{platform.value}: {NOT_SUPPORTED}"])


def test_translation_is_pure_and_deterministic():
    source = sample_icp()
    overrides = {"titles": ["CTO"]}
    before = (source.model_dump(), copy.deepcopy(overrides))

    first = translate(source, "linkedin", overrides)
    first.criteria["titles"].append("mutated by a caller")
    second = translate(source, "linkedin", overrides)

    assert second.criteria["titles"] == ["CTO"]
    assert (source.model_dump(), overrides) == before

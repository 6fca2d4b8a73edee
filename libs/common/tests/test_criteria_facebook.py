"""ICP -> Facebook targeting spec: the sample ICP, then one edge case per row."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from leadgen_common.contracts import Icp, Platform
from leadgen_common.criteria import translate
from leadgen_common.criteria.ages import AgeSpan, parse_ages
from leadgen_common.criteria.education import statuses_in
from leadgen_common.samples import sample_icp_path

SAMPLE_ICP = sample_icp_path()
NO_GEO = "facebook: no location maps to a Facebook location"


def sample_icp() -> Icp:
    return Icp.model_validate_json(SAMPLE_ICP.read_text())


def icp(**sections: dict[str, Any]) -> Icp:
    return Icp.model_validate({"name": "edge case", **sections})


def entry(entry_id: str, name: str) -> dict[str, str]:
    return {"id": entry_id, "name": name}


CTO = entry("109000000000002", "Chief Technology Officer")
VP_ENG = entry("109000000000017", "Vice President of Engineering")
IT_SERVICES = entry("6009100000014", "IT and Technical Services")
COMPUTATION = entry("6009100000007", "Computation and Mathematics")
SAAS = entry("6003100000006", "Software as a service")


def test_sample_icp_translates_to_a_targeting_spec():
    result = translate(sample_icp(), Platform.FACEBOOK)

    assert result.criteria == {
        "age_min": 35,
        "age_max": 55,
        "geo_locations": {"countries": ["US", "GB", "CA"]},
        "work_positions": [
            CTO,
            VP_ENG,
            entry("109000000000027", "Director of Engineering"),
            entry("109000000000037", "Head of Product"),
        ],
        "industries": [IT_SERVICES, COMPUTATION],
        "education_statuses": [3, 7, 8, 9, 10, 11],  # bachelor's or higher
        "education_majors": [entry("108000000000001", "Computer Science")],
        "interests": [
            entry("6003100000001", "Software development"),
            entry("6003100000002", "DevOps"),
            entry("6003100000010", "Automation"),
            entry("6003100000003", "Computer security"),
            entry("6003100000004", "Regulatory compliance"),
            entry("6003100000011", "Operations management"),
            entry("6003100000012", "Quality assurance"),
            entry("6003100000013", "Product management"),
            entry("6003100000008", "Innovation"),
            entry("6003100000009", "Productivity"),
            entry("6003100000021", "Business strategy"),
            entry("6003100000014", "Data analysis"),
            entry("6003100000026", "Technology"),
            entry("6003100000044", "Continuous improvement"),
        ],
        "behaviors": [
            entry("6002100000001", "Technology early adopters"),
            entry("6002100000002", "Business travelers"),
            entry("6002100000009", "Peer network engaged"),
            entry("6002100000005", "Business decision makers"),
            entry("6002100000007", "Engaged with business content"),
        ],
    }
    # Company events and a LinkedIn preference have no Facebook behavior: said, not dropped.
    assert result.warnings == [
        "facebook: behaviors.buyingTriggers: no Facebook behavior for 'Recent funding round', "
        "'Hiring surge in engineering', 'Compliance deadline'; not targeted",
        "facebook: behaviors.preferredChannels: no Facebook behavior for 'LinkedIn'; not targeted",
        "facebook: behaviors.influencers: no Facebook behavior for 'Engineering team feedback'; "
        "not targeted",
    ]


def test_spec_9_1_overrides_replace_ages_and_interests_only():
    overrides = {"ageRange": [30, 50], "interests": ["B2B Software", "SaaS"]}
    result = translate(sample_icp(), "facebook", overrides)
    plain = translate(sample_icp(), "facebook").criteria

    assert (result.criteria["age_min"], result.criteria["age_max"]) == (30, 50)
    assert result.criteria["interests"] == [SAAS]
    assert {k: v for k, v in result.criteria.items() if k not in ("age_min", "age_max")} == {
        **{k: v for k, v in plain.items() if k not in ("age_min", "age_max")},
        "interests": [SAAS],
    }


# (id, ICP sections, overrides, expected criteria, expected warnings (fragments, in order))
EDGE_CASES: list[tuple[str, dict[str, Any], dict[str, Any] | None, dict[str, Any], list[str]]] = [
    ("empty-icp-needs-a-location-and-says-so", {}, None, {}, [NO_GEO]),
    (
        "open-ended-age-range-is-65-and-older",
        {"demographics": {"ageRange": "55+", "location": "Canada"}},
        None,
        {"age_min": 55, "age_max": 65, "geo_locations": {"countries": ["CA"]}},
        [],
    ),
    (
        "ages-above-65-clamp-to-65-plus-with-a-warning",
        {"demographics": {"ageRange": "70-80", "location": "Canada"}},
        None,
        {"age_min": 65, "age_max": 65, "geo_locations": {"countries": ["CA"]}},
        [
            "facebook: demographics.ageRange '70-80' is outside Facebook's ages 18-65 "
            "(65 meaning 65 and older); targeted 65+"
        ],
    ),
    (
        "ages-wholly-below-18-are-not-targeted",
        {"demographics": {"ageRange": "13-17", "location": "Canada"}},
        None,
        {"geo_locations": {"countries": ["CA"]}},
        ["demographics.ageRange '13-17' is below Facebook's youngest targetable age 18"],
    ),
    (
        "unknown-industries-are-warnings-known-ones-map",
        {
            "demographics": {"location": "USA"},
            "firmographics": {"industry": ["Underwater Basket Weaving", "fintech", "Astrology"]},
        },
        None,
        {
            "geo_locations": {"countries": ["US"]},
            "industries": [entry("6009100000004", "Business and Finance")],
        },
        [
            "facebook: firmographics.industry: no known industry for "
            "'Underwater Basket Weaving', 'Astrology'; not targeted"
        ],
    ),
    (
        "non-english-locations",
        {"demographics": {"location": "Deutschland, Royaume-Uni, España, Österreich"}},
        None,
        {"geo_locations": {"countries": ["DE", "GB", "ES", "AT"]}},
        [],
    ),
    (
        "areas-are-their-countries-and-unknown-places-are-warnings",
        {"firmographics": {"geography": "DACH, Benelux, Atlantis"}},
        None,
        {"geo_locations": {"countries": ["DE", "AT", "CH", "BE", "NL", "LU"]}},
        ["facebook: firmographics.geography 'Atlantis' is not a known Facebook location"],
    ),
    (
        "regions-and-cities-have-keys-and-never-overlap-a-country",
        {"demographics": {"location": "United States, California, Berlin, Bayern"}},
        None,
        {
            "geo_locations": {
                "countries": ["US"],
                "regions": [{"key": "9113", "name": "Bavaria", "country": "DE"}],
                "cities": [{"key": "9200020", "name": "Berlin", "country": "DE"}],
            }
        },
        ["facebook: geo_locations: 'California' lies in US, which is targeted whole"],
    ),
    (
        "duplicate-and-mixed-case-titles-are-one-position",
        {
            "demographics": {
                "location": "UK",
                "jobTitles": ["cto", "CTO", "Chief Technology Officer", "vp OF engineering"],
            }
        },
        None,
        {"geo_locations": {"countries": ["GB"]}, "work_positions": [CTO, VP_ENG]},
        [],
    ),
    (
        "education-levels-majors-and-unreadable-text",
        {"demographics": {"location": "UK", "education": "MBA or PhD in Finance"}},
        None,
        {
            "geo_locations": {"countries": ["GB"]},
            "education_statuses": [9, 11],
            "education_majors": [entry("108000000000011", "Finance")],
        },
        [],
    ),
    (
        "education-that-names-nothing-is-a-warning",
        {"demographics": {"location": "UK", "education": "Self-taught"}},
        None,
        {"geo_locations": {"countries": ["GB"]}},
        ["facebook: demographics.education 'Self-taught' names no Facebook education level"],
    ),
    (
        "psychographics-without-an-interest-are-warnings",
        {
            "demographics": {"location": "UK"},
            "psychographics": {"painPoints": ["Kubernetes sprawl", "Feeling lonely"]},
        },
        None,
        {
            "geo_locations": {"countries": ["GB"]},
            "interests": [entry("6003100000005", "Cloud computing")],
        },
        ["facebook: psychographics.painPoints: no Facebook interest for 'Feeling lonely'"],
    ),
    (
        "overrides-take-resolved-entries-and-refuse-employer-names",
        {"demographics": {"location": "UK"}},
        {
            "interests": [{"id": 6003139266461, "name": "Movies"}, "SaaS"],
            "workEmployers": [{"id": "104958162837"}, "Stripe"],
        },
        {
            "geo_locations": {"countries": ["GB"]},
            "work_employers": [{"id": "104958162837"}],
            "interests": [SAAS, entry("6003139266461", "Movies")],
        },
        ["searchCriteria.facebook.workEmployers: Facebook work employers need the id"],
    ),
    (
        "override-geo-object-with-codes-keys-and-unsupported-parts",
        {"demographics": {"location": "UK"}},
        {
            "geo_locations": {
                "countries": ["de", "FR", "XX"],
                "cities": [{"key": 2420379, "radius": 10}, {"name": "no key"}],
                "zips": ["US:94304"],
            }
        },
        {
            "geo_locations": {
                "countries": ["DE", "FR"],
                "cities": [{"key": "2420379"}],
            }
        },
        [
            "searchCriteria.facebook.geo_locations.countries 'XX' is not a known Facebook location",
            "searchCriteria.facebook.geo_locations.cities entry {'name': 'no key'} has no 'key'",
            "searchCriteria.facebook.geo_locations.zips is not supported here; ignored",
        ],
    ),
    (
        "bad-overrides-are-warnings-and-keep-the-icp",
        {"demographics": {"location": "UK", "ageRange": "35-55"}},
        {"salary": 1, "age_min": "x", "ageRange": "old", "interests": ["Knitting"]},
        {"age_min": 35, "age_max": 55, "geo_locations": {"countries": ["GB"]}},
        [
            "searchCriteria.facebook.salary is not a Facebook criterion",
            "searchCriteria.facebook.age_min must be a whole number of years",
            "searchCriteria.facebook.ageRange 'old' is not an age range",
            "searchCriteria.facebook.interests: no Facebook interest for 'Knitting'",
            "searchCriteria.facebook.interests has no usable value; the ICP's interests is kept",
        ],
    ),
    (
        "age-bound-override-narrows-the-icp-range",
        {"demographics": {"location": "UK", "ageRange": "35-55"}},
        {"ageMax": 45},
        {"age_min": 35, "age_max": 45, "geo_locations": {"countries": ["GB"]}},
        [],
    ),
]


@pytest.mark.parametrize(
    ("sections", "overrides", "expected", "warnings"),
    [case[1:] for case in EDGE_CASES],
    ids=[case[0] for case in EDGE_CASES],
)
def test_facebook_edge_cases(
    sections: dict[str, Any],
    overrides: dict[str, Any] | None,
    expected: dict[str, Any],
    warnings: list[str],
):
    result = translate(icp(**sections), Platform.FACEBOOK, overrides)

    assert result.criteria == expected
    assert len(result.warnings) == len(warnings), result.warnings
    for fragment, warning in zip(warnings, result.warnings, strict=True):
        assert fragment in warning
        assert warning.startswith("facebook: ")


def test_huge_title_list_is_capped_and_every_unknown_title_is_named_once():
    titles = [f"Title {i}" for i in range(298)] + ["CTO", "cto"]
    result = translate(sample_icp(), "facebook", {"titles": titles})

    assert result.criteria["work_positions"] == [CTO]
    (unknown,) = (w for w in result.warnings if "no Facebook work position" in w)
    assert "'Title 0'" in unknown and "'Title 297'" in unknown and "'CTO'" not in unknown


@pytest.mark.parametrize(
    ("value", "fitted", "warned"),
    [
        ("35-55", (35, 55), False),
        ("55+", (55, 65), False),
        ("18-24", (18, 24), False),
        ("70-80", (65, 65), True),
        ("16-30", (18, 30), True),
        ("40-90", (40, 65), True),
        ("13-17", None, True),
        ([30, 50], (30, 50), False),
        (["25", "34"], (25, 34), False),
        ("65", (65, 65), False),
    ],
)
def test_age_ranges_fit_facebooks_span(value: Any, fitted: tuple[int, int] | None, warned: bool):
    ages = parse_ages(value)
    assert ages is not None
    result, warnings = AgeSpan(18, 65).fit(ages, "ageRange")
    assert result == fitted
    assert bool(warnings) is warned


@pytest.mark.parametrize("value", ["old", "", "50-30", [50], [30, "x"], True, None, "-5"])
def test_values_that_name_no_ages(value: Any):
    assert parse_ages(value) is None


@pytest.mark.parametrize(
    ("text", "statuses"),
    [
        ("Bachelor's or higher in Computer Science", [3, 7, 8, 9, 10, 11]),
        ("Master's degree or above", [9, 10, 11]),
        ("PhD", [11]),
        ("High school diploma", [4]),
        ("Bachelor's or Master's", [3, 9]),
        ("No formal requirement", []),
    ],
)
def test_education_statuses(text: str, statuses: list[int]):
    assert statuses_in(text) == statuses


def test_translation_is_pure_and_deterministic():
    source = sample_icp()
    overrides = {"interests": [{"id": "1", "name": "x"}]}
    before = (source.model_dump(), copy.deepcopy(overrides))

    first = translate(source, "facebook", overrides)
    first.criteria["interests"][0]["name"] = "mutated by a caller"
    first.criteria["work_positions"][0]["name"] = "mutated by a caller"
    first.criteria["geo_locations"]["countries"].append("FR")
    second = translate(source, "facebook", overrides)

    assert second.criteria["interests"] == [{"id": "1", "name": "x"}]
    assert second.criteria["work_positions"][0] == CTO
    assert second.criteria["geo_locations"]["countries"] == ["US", "GB", "CA"]
    assert (source.model_dump(), overrides) == before

"""Industries (near-synonyms, sectors, tags) and company sizes (bands, ranges, nearness)."""

from __future__ import annotations

import pytest
from leadgen_common.criteria.tables import load
from leadgen_scoring.domain import industries, sizes

ICP_INDUSTRIES = ["Software", "SaaS", "Cloud Computing", "Cybersecurity"]


@pytest.mark.parametrize(
    ("candidate", "score", "relation", "icp"),
    [
        ("Computer Software", 1.0, "matches", "Software"),
        ("SaaS platform", 1.0, "matches", "SaaS"),
        ("Enterprise Software Solutions", 1.0, "matches", "Software"),
        ("Computer & Network Security", 1.0, "matches", "Cybersecurity"),
        ("Data & Analytics", 0.8, "is close to", "Software"),
        ("IT Services", 0.4, "is in the same sector as", "Software"),
        ("Hospital & Health Care", 0.0, "does not match", "Software"),
        ("Security and Investigations", 0.0, "does not match", "Software"),
    ],
)
def test_industry_matching(candidate, score, relation, icp):
    match = industries.best_match(candidate, ICP_INDUSTRIES)
    assert (match.score, match.relation, match.icp_industry) == (score, relation, icp)


def test_saas_and_software_are_near_synonyms_both_ways():
    assert industries.compare("SaaS", "Software").score == industries.CLOSE
    assert industries.compare("Software", "SaaS").score == industries.CLOSE


@pytest.mark.parametrize(
    ("tag", "named"),
    [
        ("SAAS", "SaaS"),
        ("Cloud Computing", "Cloud Computing"),
        ("B2B", None),
        ("Technology", None),
        ("Venture Capital Backed", None),
    ],
)
def test_only_a_tag_that_names_an_icp_industry_counts(tag, named):
    assert industries.tag_match(tag, [*ICP_INDUSTRIES, "Venture Capital"]) == named


def test_every_industry_of_the_shared_table_has_a_sector():
    names = [row["name"] for row in load("linkedin_industries.json")["industries"]]
    assert [name for name in names if not industries.sectors(name)] == []


BANDS = sizes.parse_bands(("51-200", "201-500 employees", "501-1000"))


def test_touching_bands_join():
    assert BANDS == ((51, 1000),)


@pytest.mark.parametrize(
    ("count", "credit"),
    [
        (51, 1.0),
        (180, 1.0),
        (1000, 1.0),
        (40, 0.5),
        (1400, 0.5),
        (2200, 0.25),
        (5000, 0.0),
        (5, 0.0),
    ],
)
def test_headcount_fit(count, credit):
    assert sizes.fit_count(count, BANDS) == credit


@pytest.mark.parametrize(
    ("value", "credit"),
    [
        ("51-250", 1.0),
        ("251-1K", 1.0),
        ("1K-5K", sizes.OVERLAP),
        ("11-50", 0.25),
        ("10001+", 0.0),
        ("lots", None),
    ],
)
def test_provider_band_fit(value, credit):
    assert sizes.fit_range(value, BANDS) == credit


def test_unreadable_icp_sizes_are_left_out():
    assert sizes.parse_bands(("mid-market", "1000+")) == ((1000, float("inf")),)

"""Locations: free text resolves to a country; ICP places contain it or not."""

from __future__ import annotations

import pytest
from leadgen_scoring.domain.locations import location_rule
from leadgen_scoring.domain.places import area, locate
from leadgen_scoring.domain.rules import UNKNOWN


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("San Francisco, CA, United States", "US"),
        ("San Francisco Bay Area", "US"),
        ("Cambridge, MA", "US"),
        ("Cambridge, England, United Kingdom", "GB"),
        ("Toronto, ON", "CA"),
        ("London, Ontario, Canada", "CA"),
        ("Amsterdam, NL", "NL"),
        ("Greater London Area", "GB"),
        ("São Paulo, Brasil", "BR"),
        ("Bengaluru, Karnataka, India", "IN"),
        ("Remote", None),
        ("", None),
    ],
)
def test_a_location_resolves_to_its_country(text, country):
    assert locate(text).country == country


@pytest.mark.parametrize(
    ("entry", "location", "credit"),
    [
        ("United States", "San Francisco, CA, United States", 1.0),
        ("USA", "Austin, Texas", 1.0),
        ("North America", "Toronto, Ontario, Canada", 1.0),
        ("Western Europe", "Berlin, Germany", 1.0),
        ("California", "San Francisco, CA, United States", 1.0),
        ("California", "Austin, Texas, United States", 0.5),
        ("United States", "Toronto, Canada", 0.0),
        ("Worldwide", "Lagos, Nigeria", 1.0),
    ],
)
def test_icp_places_contain_locations(entry, location, credit):
    assert area(entry).contains(locate(location)) == credit


def test_an_unknown_icp_place_matches_by_its_words():
    assert area("Springfield") is None
    rule = location_rule("location", "Springfield, Illinois", ["Springfield"], 0.35)
    assert rule.score == 1.0


@pytest.mark.parametrize(
    ("location", "score", "reason"),
    [
        ("London, UK", 1.0, "location 'London, UK' is in ICP 'United Kingdom'"),
        (
            "Berlin, Germany",
            0.0,
            "location 'Berlin, Germany' is outside ICP 'United States, United Kingdom, Canada'",
        ),
        ("Planet Earth", UNKNOWN, "location 'Planet Earth' not recognised"),
        (None, UNKNOWN, "no location known"),
    ],
)
def test_location_rule_reasons(location, score, reason):
    rule = location_rule("location", location, ["United States", "United Kingdom", "Canada"], 1)
    assert (rule.score, rule.reason) == (score, reason)


def test_no_icp_locations_means_no_rule():
    assert location_rule("location", "Paris, France", [], 0.35) is None

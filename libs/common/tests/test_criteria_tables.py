"""The criteria mapping tables: company-size shapes, and the data files themselves."""

from __future__ import annotations

import pytest
from leadgen_common.criteria.company_size import bands, bands_for, parse_size
from leadgen_common.criteria.keywords import keyword_phrase
from leadgen_common.criteria.tables import load, text_key

SIZES = [
    ("51-200", (51, 200), ["51-200"]),
    ("50-200", (50, 200), ["51-200"]),
    ("201-500 employees", (201, 500), ["201-500"]),
    ("1000+", (1000, None), ["1001-5000", "5001-10000", "10001+"]),
    ("1,000+", (1000, None), ["1001-5000", "5001-10000", "10001+"]),
    ("1.000-5.000", (1000, 5000), ["1001-5000"]),
    ("1k-5k", (1000, 5000), ["1001-5000"]),
    ("1.5K+", (1500, None), ["1001-5000", "5001-10000", "10001+"]),
    ("50 – 200", (50, 200), ["51-200"]),
    ("51 to 200 staff", (51, 200), ["51-200"]),
    ("between 100 and 300", (100, 300), ["51-200", "201-500"]),
    ("45-60", (45, 60), ["11-50", "51-200"]),
    ("50-51", (50, 51), ["11-50", "51-200"]),
    ("under 50", (1, 49), ["1-10", "11-50"]),
    ("<10", (1, 9), ["1-10"]),
    ("up to 10", (1, 10), ["1-10"]),
    ("<=50", (1, 50), ["1-10", "11-50"]),
    (">10000", (10001, None), ["10001+"]),
    ("at least 5000", (5000, None), ["5001-10000", "10001+"]),
    ("5000 or more employees", (5000, None), ["5001-10000", "10001+"]),
    ("500", (500, 500), ["201-500"]),
    ("~200", (200, 200), ["51-200"]),
    ("0-10", (1, 10), ["1-10"]),
    ("SIZE_51_TO_200", (51, 200), ["51-200"]),
    ("SIZE_10001_OR_MORE", (10001, None), ["10001+"]),
]


@pytest.mark.parametrize(("value", "size", "labels"), SIZES, ids=[s[0] for s in SIZES])
def test_company_size_shapes(value: str, size: tuple[int, int | None], labels: list[str]):
    assert parse_size(value) == size
    assert bands_for(size) == labels


@pytest.mark.parametrize("value", ["medium", "500-100", "<1", "", "lots", "-5"])
def test_company_sizes_that_name_no_range(value: str):
    assert parse_size(value) is None


def test_every_band_label_selects_exactly_itself():
    for band in bands():
        size = parse_size(band.label)
        assert size is not None and bands_for(size) == [band.label]


@pytest.mark.parametrize("table", ["linkedin_industries.json", "linkedin_locations.json"])
def test_no_spelling_names_two_things(table: str):
    data = load(table)
    owner: dict[str, str] = {}
    for section in (k for k in data if not k.startswith("_")):
        for entry in data[section]:
            for spelling in (entry["name"], *entry["aliases"]):
                key = text_key(spelling)
                assert owner.setdefault(key, entry["name"]) == entry["name"], (spelling, owner[key])


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Scaling engineering team", "engineering team"),
        ("Accelerate time-to-market", "time-to-market"),
        ("Reduce the cost of our CI/CD", "cost ci/cd"),
        ("Improve", None),
    ],
)
def test_keyword_phrases(text: str, phrase: str | None):
    assert keyword_phrase(text) == phrase


def test_text_key_ignores_case_accents_and_punctuation():
    assert text_key("  São  Paulo ") == text_key("sao paulo") == "sao paulo"
    assert text_key("Computer & Network Security") == text_key("computer and network security")

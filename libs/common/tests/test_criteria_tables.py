"""The criteria mapping tables: company-size shapes, and the data files themselves."""

from __future__ import annotations

import pytest
from leadgen_common.criteria.company_size import bands, bands_for, parse_size
from leadgen_common.criteria.keywords import keyword_phrase
from leadgen_common.criteria.phrases import PhraseIndex
from leadgen_common.criteria.seniority import ids, ranked, seniority_of
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


@pytest.mark.parametrize(
    "table",
    [
        "linkedin_industries.json",
        "locations.json",
        "facebook_work_positions.json",
        "linkedin_seniorities.json",
    ],
)
def test_no_spelling_names_two_things(table: str):
    data = load(table)
    owner: dict[str, str] = {}
    for section in (k for k in data if not k.startswith("_") and k != "rules"):
        for entry in data[section]:
            for spelling in (entry["name"], *entry["aliases"]):
                key = text_key(spelling)
                assert owner.setdefault(key, entry["name"]) == entry["name"], (spelling, owner[key])


@pytest.mark.parametrize(
    ("table", "section", "words"),
    [
        ("facebook_interests.json", "interests", "keywords"),
        ("facebook_behaviors.json", "behaviors", "keywords"),
        ("facebook.json", "education_statuses", "phrases"),
        ("facebook.json", "education_majors", "phrases"),
    ],
)
def test_no_keyword_names_two_entries(table: str, section: str, words: str):
    owner: dict[str, str] = {}
    for entry in load(table)[section]:
        for phrase in entry[words]:
            key = text_key(phrase)
            assert key, (entry["name"], phrase)
            assert owner.setdefault(key, entry["name"]) == entry["name"], (phrase, owner[key])


@pytest.mark.parametrize(
    ("table", "section", "digits"),
    [
        ("facebook_work_positions.json", "work_positions", 15),
        ("facebook_interests.json", "interests", 13),
        ("facebook_behaviors.json", "behaviors", 13),
        ("facebook_industries.json", "industries", 13),
        ("facebook.json", "education_majors", 15),
        ("linkedin_industries.json", "industries", None),
        ("linkedin_seniorities.json", "seniorities", None),
    ],
)
def test_ids_are_numeric_strings_in_the_platforms_style(table: str, section: str, digits: int):
    entries = load(table)[section]
    for entry in entries:
        assert isinstance(entry["id"], str) and entry["id"].isdigit(), entry
        assert digits is None or len(entry["id"]) == digits, entry
    if table != "linkedin_industries.json":  # modeled names share the nearest real code
        assert len({e["id"] for e in entries}) == len(entries)


def test_every_canonical_industry_maps_on_facebook_and_x():
    names = {entry["name"] for entry in load("linkedin_industries.json")["industries"]}
    facebook = load("facebook_industries.json")
    facebook_names = {entry["name"] for entry in facebook["industries"]}
    assert set(facebook["from_industries"]) == names
    assert all(set(v) <= facebook_names for v in facebook["from_industries"].values())
    assert set(load("twitter.json")["industry_terms"]) == names


def test_locations_table_is_consistent():
    data = load("locations.json")
    codes = {row["code"] for row in data["countries"]}
    assert len(codes) == len(data["countries"])
    for region in data["regions"]:
        assert region["countries"] and set(region["countries"]) <= codes, region["name"]
    geo_ids = [row["linkedinGeoId"] for row in data["countries"] + data["places"]]
    assert len(set(geo_ids)) == len(geo_ids)
    assert all(g.isdigit() for g in geo_ids)
    keys = [row["facebookKey"] for row in data["places"]]
    assert len(set(keys)) == len(keys) and all(k.isdigit() for k in keys)
    for place in data["places"]:
        assert place["country"] in codes and place["kind"] in ("region", "city"), place


def test_seniority_rules_name_known_levels_in_rank_order():
    assert ranked() == (
        "Owner", "Partner", "CXO", "VP", "Director", "Manager", "Senior", "Entry", "Training",
        "Unpaid",
    )  # fmt: skip
    assert [ids()[name] for name in ranked()] == [str(i) for i in range(10, 0, -1)]
    assert {rule["seniority"] for rule in load("linkedin_seniorities.json")["rules"]} <= set(
        ranked()
    )


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("CTO", "CXO"),
        ("Chief Executive Officer", "CXO"),
        ("Managing Director", "CXO"),
        ("Chief of Staff", "CXO"),
        ("VP Engineering", "VP"),
        ("Vice President, Sales", "VP"),
        ("SVP Marketing", "VP"),
        ("Director of Engineering", "Director"),
        ("Senior Director of Engineering", "Director"),
        ("Head of Product", "Director"),
        ("Co-Founder", "Owner"),
        ("Owner", "Owner"),
        ("Managing Partner", "Partner"),
        ("Partner Manager", "Senior"),
        ("Engineering Manager", "Manager"),
        ("Team Lead", "Manager"),
        ("Product Manager", "Senior"),
        ("Sr. Software Engineer", "Senior"),
        ("Principal Engineer", "Senior"),
        ("Junior Developer", "Entry"),
        ("Software Engineering Intern", "Training"),
        ("Volunteer Coordinator", "Unpaid"),
        ("Software Engineer", None),
        ("Data Analyst", None),
    ],
)
def test_seniority_of_a_title(title: str, level: str | None):
    assert seniority_of(title) == level


def test_phrase_index_takes_longest_phrases_first_and_each_word_once():
    index = PhraseIndex.build(
        [("Velocity", ["velocity"]), ("Dev", ["development velocity"]), ("Ops", ["devops"])]
    )
    assert index.names_in("Improve development velocity") == ["Dev"]
    assert index.names_in("Velocity of DevOps, velocity!") == ["Velocity", "Ops"]
    assert index.names_in("nothing here") == []


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

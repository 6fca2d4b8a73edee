"""The sandbox's synthetic population: deterministic, fast, broad, and true to its personas."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from collections import Counter

import pytest
from leadgen_devstack.sandbox.generator import generate
from leadgen_devstack.sandbox.geo import CITIES, COUNTRIES
from leadgen_devstack.sandbox.industries import INDUSTRIES
from leadgen_devstack.sandbox.matching import parse_size, stem, text_words, title_words
from leadgen_devstack.sandbox.personas import BAND_LABELS, archetypes, ground_truth
from leadgen_devstack.sandbox.population import (
    DEFAULT_SIZE,
    Population,
    build_population,
    facebook_id,
    linkedin_id,
    x_id,
)
from leadgen_devstack.sandbox.roles import SENIORITIES, TITLE_ROLES, TITLES

#: The sample ICP (shared/data/sample-icp.json), judged on the population's own columns.
ICP_TITLES = ("CTO", "VP Engineering", "Director of Engineering", "Head of Product")
ICP_INDUSTRIES = {"Software", "SaaS", "Cloud Computing", "Cybersecurity"}
ICP_BANDS = {"51-200", "201-500", "501-1000"}
ICP_COUNTRIES = {"US", "GB", "CA"}
NORTH_AMERICA_AND_WESTERN_EUROPE = {"US", "CA", "MX", "GB", "DE", "FR", "NL", "IE", "CH"}
REQUIRED_FUNCTIONS = (
    "Engineering",
    "Product",
    "Finance",
    "Sales",
    "Marketing",
    "HR",
    "Operations",
    "IT",
    "Security",
    "Legal",
    "Executive",
)


@pytest.fixture(scope="module")
def population() -> Population:
    return build_population()  # the default 200,000, shared by the whole process


def icp_dimensions(population: Population, index: int) -> dict[str, bool]:
    """Which of the sample ICP's six requirements person ``index`` meets."""
    columns = population.people_columns
    title = title_words(TITLES[columns.title[index]])
    country = CITIES[columns.city[index]].country_code
    return {
        "title": any(title_words(t) <= title for t in ICP_TITLES),
        "industry": INDUSTRIES[columns.industry[index]].name in ICP_INDUSTRIES,
        "size": BAND_LABELS[columns.band[index]] in ICP_BANDS,
        "geography": country in ICP_COUNTRIES,
        "age": 35 <= columns.age[index] <= 55,
        "activity": columns.activity_level[index] == 2,
    }


# -- determinism and speed -----------------------------------------------------------------


def test_the_default_population_has_two_hundred_thousand_people(population):
    assert DEFAULT_SIZE == 200_000
    assert len(population.people) == population.size == 200_000
    assert len(population.companies) >= 20_000


def test_the_same_seed_gives_the_same_columns_and_another_seed_others():
    first = Population.from_columns(20_000, 7, *generate(20_000, 7)).fingerprint()
    again = Population.from_columns(20_000, 7, *generate(20_000, 7)).fingerprint()
    other = Population.from_columns(20_000, 8, *generate(20_000, 8)).fingerprint()
    assert first == again != other


def test_population_does_not_depend_on_string_hashing():
    # Set iteration order changes with PYTHONHASHSEED; a fresh interpreter with another
    # seed must still draw the very same population.
    code = (
        "from leadgen_devstack.sandbox.population import build_population;"
        "print(build_population(20_000).fingerprint())"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            timeout=120,
        )
        for seed in ("1", "12345")
    ]
    assert all(run.returncode == 0 for run in runs), runs[0].stderr
    assert runs[0].stdout.strip() == runs[1].stdout.strip()


def test_people_render_the_same_every_time(population):
    person = population.person(123)
    fresh = Population.from_columns(
        population.size, population.seed, population.people_columns, population.company_columns
    )
    assert fresh.person(123) == person
    assert fresh.company(person.company.index) == person.company


def test_drawing_two_hundred_thousand_people_takes_under_four_seconds_of_cpu():
    # CPU time, so a busy machine does not make the measurement lie (about 2.3 s here).
    started = time.process_time()
    generate(200_000, 99)
    assert time.process_time() - started < 4.0


def test_a_cached_population_loads_from_the_file(tmp_path):
    built = build_population(3_000, 5, cache_dir=tmp_path)
    (cached,) = tmp_path.glob("population-3000-5-*.pickle")
    with cached.open("rb") as file:
        people, companies = pickle.load(file)  # noqa: S301 -- the test's own file
    assert Population.from_columns(3_000, 5, people, companies).fingerprint() == built.fingerprint()
    code = (
        "import pathlib;from leadgen_devstack.sandbox.population import build_population;"
        f"cache = pathlib.Path({str(tmp_path)!r});"
        "print(build_population(3_000, 5, cache_dir=cache).fingerprint())"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == built.fingerprint()


def test_a_broken_cache_file_is_drawn_again(tmp_path):
    build_population(2_500, 6, cache_dir=tmp_path)
    (cached,) = tmp_path.glob("population-2500-6-*.pickle")
    cached.write_bytes(b"not a pickle")
    code = (
        "import pathlib;from leadgen_devstack.sandbox.population import build_population;"
        f"print(build_population(2_500, 6, cache_dir=pathlib.Path({str(tmp_path)!r})).size)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "2500"


# -- breadth ------------------------------------------------------------------------------------


def test_population_covers_titles_functions_and_every_seniority(population):
    columns = population.people_columns
    titles = Counter(columns.title)
    assert len({TITLE_ROLES[t].key for t in titles}) >= 40
    seen = {(TITLE_ROLES[t].function, TITLE_ROLES[t].seniority) for t in titles}
    for function in REQUIRED_FUNCTIONS:
        assert {s for f, s in seen if f == function} == set(SENIORITIES), function


def test_population_covers_industries_countries_and_size_bands(population):
    columns = population.people_columns
    industries = {INDUSTRIES[i].name for i in set(columns.industry)}
    assert len(industries) >= 15
    for needed in (
        "Software",
        "Healthcare",
        "Financial Services",
        "Manufacturing",
        "Retail",
        "Education",
        "Government",
        "Energy",
        "Logistics",
        "Media",
    ):
        assert needed in industries
    countries = {CITIES[c].country_code for c in set(columns.city)}
    assert len(countries) >= 20 and countries == {c.code for c in COUNTRIES}
    assert {BAND_LABELS[b] for b in set(columns.band)} == set(BAND_LABELS)
    employees = population.company_columns.employees
    for band, company in zip(population.company_columns.band, range(len(employees)), strict=False):
        low, high = parse_size(BAND_LABELS[band]) if BAND_LABELS[band] != "1" else (1, 1)
        assert low <= employees[company] <= high


def test_people_have_bios_skills_interests_activity_and_an_age(population):
    for index in range(0, population.size, 997):
        person = population.person(index)
        assert person.title in person.headline and person.title in person.summary
        assert person.company.name in person.summary and person.pains[0] in person.summary
        assert len(person.skills) >= 4 and person.interests and person.education.school
        assert 21 <= person.age <= 64 and person.activity.connections >= 12
        assert person.current.end_year is None
    ages = Counter(population.people_columns.age)
    assert min(ages) >= 21 and max(ages) <= 64


def test_ids_are_unique_and_lead_back_to_the_person(population):
    assert len(set(population.company_columns.domain)) == len(population.company_columns.domain)
    for index in (0, 1, 4242, population.size - 1):
        assert population.index_of(linkedin_id(index)) == index
        if population.on_facebook(index):
            assert population.index_of(facebook_id(index)) == index
        if population.on_x(index):
            assert population.index_of(x_id(index)) == index
    assert population.index_of("li-999999") is None and population.index_of("bob") is None


def test_a_company_has_at_most_one_holder_of_each_c_level_seat(population):
    columns = population.people_columns
    seats = Counter(
        (columns.company[i], TITLE_ROLES[columns.title[i]].key)
        for i in range(population.size)
        if TITLE_ROLES[columns.title[i]].seniority == "C-level"
    )
    assert max(seats.values()) == 1


# -- personas and ground truth ------------------------------------------------------------------


def test_archetype_shares_sum_to_one_and_every_archetype_is_drawn(population):
    kinds = archetypes()
    assert abs(sum(a.share for a in kinds) - 1) < 1e-9
    counts = Counter(population.people_columns.archetype)
    for kind in kinds:
        assert abs(counts[kind.index] - kind.share * population.size) <= 1


def test_sample_icp_labels_hold_for_every_person(population):
    """A fit meets all six requirements of the sample ICP, nobody else does; the
    ambiguous meet all but the exact title."""
    labels = [a.sample_icp for a in archetypes()]
    columns = population.people_columns
    fits = 0
    for index in range(population.size):
        label = labels[columns.archetype[index]]
        met = icp_dimensions(population, index)
        assert all(met.values()) == (label == "fit"), (index, label, met)
        if label == "ambiguous":
            assert [name for name, ok in met.items() if not ok] == ["title"]
        fits += label == "fit"
    assert fits == pytest.approx(0.02 * population.size, abs=1)


@pytest.mark.parametrize(
    ("archetype", "wrong"),
    [
        ("icp-title-wrong-industry", "industry"),
        ("icp-industry-wrong-function", "title"),
        ("icp-wrong-geography", "geography"),
        ("icp-long-inactive", "activity"),
        ("icp-wrong-size", "size"),
    ],
)
def test_each_hard_negative_fails_the_sample_icp_where_it_says(population, archetype, wrong):
    kind = next(a for a in archetypes() if a.id == archetype)
    assert kind.sample_icp == "hard_negative"
    members = [i for i, a in enumerate(population.people_columns.archetype) if a == kind.index]
    assert len(members) >= 1_000
    for index in members:
        met = icp_dimensions(population, index)
        assert not met[wrong]
        if archetype != "icp-title-wrong-industry":  # the others are right on everything else
            assert [name for name, ok in met.items() if not ok] == [wrong]
    if archetype == "icp-wrong-geography":
        countries = {CITIES[population.people_columns.city[i]].country_code for i in members}
        assert countries.isdisjoint(NORTH_AMERICA_AND_WESTERN_EUROPE)
    if archetype == "icp-long-inactive":
        assert all(population.people_columns.last_active[i] >= 200 for i in members)


def test_ground_truth_answers_for_every_id_of_a_person(population):
    index = next(
        i for i in range(population.size) if population.on_facebook(i) and population.on_x(i)
    )
    expected = archetypes()[population.people_columns.archetype[index]]
    for person_id in (linkedin_id(index), facebook_id(index), x_id(index), index):
        assert ground_truth(person_id, population) == expected
    with pytest.raises(KeyError):
        ground_truth("li-999999", population)


def test_fits_talk_about_the_icp_pains_and_retail_people_do_not(population):
    pains = ("engineering team", "technical debt", "devops", "security compliance", "velocity")
    fit = next(a.index for a in archetypes() if a.id == "icp-fit")
    columns = population.people_columns

    def mentions(index: int) -> bool:
        return any(pain in population.person(index).summary.lower() for pain in pains)

    fits = [i for i in range(0, population.size, 7) if columns.archetype[i] == fit][:300]
    retail = [
        i for i in range(0, population.size, 7) if INDUSTRIES[columns.industry[i]].name == "Retail"
    ][:300]
    assert sum(map(mentions, fits)) / len(fits) > 0.6
    assert sum(map(mentions, retail)) / len(retail) < 0.2


# -- matching rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "title", "matches"),
    [
        ("VP Engineering", "VP of Engineering", True),
        ("VP Engineering", "Vice President of Engineering", True),
        ("vp of engineering", "VP, Engineering", True),
        ("VP Engineering", "SVP Engineering", True),
        ("CTO", "Co-founder & CTO", True),
        ("Chief Technology Officer", "CTO", True),
        ("Director of Engineering", "Engineering Director", True),
        ("Head of Product", "Head of Product", True),
        ("Engineering Manager", "Software Engineer", False),
        ("CTO", "CEO", False),
        ("VP Engineering", "VP Product", False),
    ],
)
def test_title_matching_normalises_spelling(criterion, title, matches):
    assert (title_words(criterion) <= title_words(title)) is matches


def test_keyword_words_are_stemmed_alike():
    assert text_words("Scaling engineering team") <= text_words("scaling engineering teams")
    assert text_words("Accelerate time-to-market") <= text_words("accelerating time-to-market")
    assert text_words("DevOps automation") <= text_words("We love DEVOPS AUTOMATION!")
    assert not text_words("security compliance") <= text_words("security tooling")
    assert stem("business") == "business"


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        ("51-200", (51, 200)),
        ("201 - 500 employees", (201, 500)),
        ("1,001-5,000", (1001, 5000)),
        ("10001+", (10001, 10**9)),
        ("SIZE_51_TO_200", (51, 200)),
        ("SIZE_10001_OR_MORE", (10001, 10**9)),
        ("1", (1, 1)),
    ],
)
def test_company_sizes_parse(value, bounds):
    assert parse_size(value) == bounds


@pytest.mark.parametrize("value", ["big", "500-200", "-5", ""])
def test_bad_company_sizes_are_refused(value):
    with pytest.raises(ValueError):
        parse_size(value)

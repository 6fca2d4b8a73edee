"""The sandbox's synthetic population and the matching rules its searches use."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter

import pytest
from leadgen_devstack.sandbox.linkedin import vanity_name
from leadgen_devstack.sandbox.matching import parse_size, stem, text_words, title_words
from leadgen_devstack.sandbox.population import Population, build_population
from leadgen_devstack.sandbox.roles import SENIORITIES

#: The sample ICP (shared/data/sample-icp.json), spelled out as the population spells it.
ICP_TITLES = {
    "CTO", "Chief Technology Officer", "Co-founder & CTO", "Co-Founder and CTO",
    "VP Engineering", "VP of Engineering", "Vice President of Engineering", "VP, Engineering",
    "Director of Engineering", "Engineering Director", "Senior Director of Engineering",
    "Head of Product",
}  # fmt: skip
ICP_COUNTRIES = {"US", "GB", "CA"}
ICP_INDUSTRIES = {"Software", "SaaS", "Cloud Computing", "Cybersecurity"}


def icp_full_match(person) -> bool:
    company = person.company
    return (
        person.title in ICP_TITLES
        and person.country.code in ICP_COUNTRIES
        and company.industry.name in ICP_INDUSTRIES
        and 51 <= company.employees <= 1000
    )


@pytest.fixture(scope="module")
def population() -> Population:
    return build_population()


def test_population_is_large_and_the_same_every_time(population):
    assert len(population.people) >= 20_000
    assert len(population.companies) >= 3_000
    assert build_population().fingerprint() == population.fingerprint()
    assert build_population(seed=population.seed + 1).fingerprint() != population.fingerprint()


def test_population_does_not_depend_on_string_hashing(population):
    # Set iteration order changes with PYTHONHASHSEED; a fresh interpreter with another
    # seed must still produce the very same population.
    code = (
        "from leadgen_devstack.sandbox.population import build_population;"
        "print(build_population().fingerprint())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == population.fingerprint()


def test_building_twenty_thousand_people_takes_under_two_seconds():
    # CPU time, so a busy machine does not make the measurement lie.
    started = time.process_time()
    build_population(20_000)
    assert time.process_time() - started < 2.0


def test_people_and_companies_have_unique_ids(population):
    domains = [company.domain for company in population.companies]
    assert len(set(domains)) == len(domains)
    assert set(population.company_by_domain) == set(domains)
    vanities = {vanity_name(person) for person in population.people}
    assert len(vanities) == len(population.people)
    assert [person.index for person in population.people] == list(range(len(population.people)))


def test_population_covers_seniorities_countries_and_industries(population):
    seniorities = Counter(person.current.role.seniority for person in population.people)
    assert set(seniorities) == set(SENIORITIES)
    countries = {person.country.code for person in population.people}
    assert {"US", "GB", "CA", "DE", "FR", "IN", "AU", "BR"} <= countries
    industries = {company.industry.name for company in population.companies}
    assert ICP_INDUSTRIES | {"Fintech", "Healthcare", "Retail", "Manufacturing"} <= industries
    assert all(21 <= person.age <= 64 for person in population.people)
    assert all(person.current.end_year is None for person in population.people)


def test_a_few_percent_match_the_sample_icp_fully_and_more_partly(population):
    full = sum(1 for person in population.people if icp_full_match(person))
    share = full / len(population.people)
    assert 0.015 <= share <= 0.05, f"{full} full matches"
    icp_titles = sum(1 for person in population.people if person.title in ICP_TITLES)
    assert icp_titles > 3 * full


def test_tech_leaders_talk_about_the_icp_pains_and_others_do_not(population):
    pains = ("engineering team", "technical debt", "devops", "security compliance", "velocity")

    def mentions(person) -> bool:
        return any(pain in person.summary.lower() for pain in pains)

    leaders = [p for p in population.people if icp_full_match(p)]
    others = [p for p in population.people if p.company.industry.name in {"Retail", "Healthcare"}]
    assert sum(map(mentions, leaders)) / len(leaders) > 0.6
    assert sum(map(mentions, others)) / len(others) < 0.2


def test_a_single_company_has_at_most_one_person_per_c_level_seat(population):
    seats = Counter(
        (person.company.index, person.current.role.spellings[0])
        for person in population.people
        if person.current.role.seniority == "C-level"
    )
    assert max(seats.values()) == 1


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

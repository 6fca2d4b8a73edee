"""Job-title matching: spellings normalise, seniority and function give partial credit."""

from __future__ import annotations

import pytest
from leadgen_scoring.domain.titles import best_match, compare, parse_title

ICP_TITLES = ["CTO", "VP Engineering", "Director of Engineering", "Head of Product"]


@pytest.mark.parametrize(
    ("title", "icp_title"),
    [
        ("VP of Engineering", "VP Engineering"),
        ("Vice President, Engineering", "VP Engineering"),
        ("Vice President of Engineering", "VP Engineering"),
        ("SVP Engineering", "VP Engineering"),
        ("Chief Technology Officer", "CTO"),
        ("Co-founder & CTO", "CTO"),
        ("Senior Director of Engineering", "Director of Engineering"),
        ("Engineering Director", "Director of Engineering"),
        ("Sr. Dir. of Eng.", "Director of Engineering"),
        ("Head of Product", "Head of Product"),
    ],
)
def test_spellings_of_an_icp_title_match_it(title, icp_title):
    match = best_match(title, ICP_TITLES)
    assert (match.score, match.icp_title, match.detail) == (1.0, icp_title, None)


@pytest.mark.parametrize(
    ("title", "low", "high", "detail"),
    [
        ("Head of Engineering", 0.75, 0.85, "same function, head vs director"),
        ("VP Product", 0.75, 0.85, "same function, VP vs head"),
        ("Engineering Manager", 0.55, 0.65, "same function, manager vs director"),
        ("Director of Data Science", 0.45, 0.55, "related function, both director"),
        ("Senior Software Engineer", 0.3, 0.4, "same function, senior vs director"),
        ("Software Engineer", 0.1, 0.2, "same function, individual contributor vs director"),
        ("VP Sales", 0.2, 0.3, "different function, both VP"),
        ("Nurse", 0.0, 0.15, "unrecognised function, seniority unclear"),
    ],
)
def test_near_titles_get_partial_credit_by_function_and_seniority(title, low, high, detail):
    match = best_match(title, ICP_TITLES)
    assert low <= match.score <= high
    assert match.detail == detail


def test_more_senior_is_better_than_less_senior_at_the_same_distance():
    above = compare("VP Engineering", "Director of Engineering").score
    below = compare("Engineering Manager", "Director of Engineering").score
    assert above > below


@pytest.mark.parametrize(
    ("title", "level", "functions"),
    [
        ("CISO", "C-level", {"security"}),
        ("Junior Developer", "junior", {"engineering"}),
        ("Director", "director", set()),
        ("Head of People", "head", {"people"}),
    ],
)
def test_titles_read_seniority_and_function(title, level, functions):
    parsed = parse_title(title)
    assert parsed.level_name == level
    assert parsed.functions == functions

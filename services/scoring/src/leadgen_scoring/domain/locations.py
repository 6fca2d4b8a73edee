"""The location rule both demographics (where the person is) and firmographics (where
the company is) use: does a free-text location lie inside the places an ICP names?"""

from __future__ import annotations

from .places import Area, Place, area, locate
from .rules import UNKNOWN, Rule
from .text import normalise, quote


def location_rule(
    what: str,
    location: str | None,
    entries: list[str],
    weight: float,
    must_meet: float | None = None,
) -> Rule | None:
    """``what`` names the location in reasons ("location", "company HQ"); ``must_meet``
    makes a recognised location a must-have (see rules.combine)."""
    if not entries:
        return None
    if not location or not location.strip():
        return Rule(UNKNOWN, weight, f"no {what} known")
    place = locate(location)
    areas = [(entry, area(entry)) for entry in entries]
    best = _best_area(place, areas)
    if best is not None:
        entry, credit = best
        if credit == 1.0:
            return Rule(
                1.0, weight, f"{what} {quote(location)} is in ICP {quote(entry)}", must_meet
            )
        return Rule(
            credit,
            weight,
            f"{what} {quote(location)} is in {place.country_name} but not in ICP {quote(entry)}",
            must_meet,
        )
    if place.country is None:
        return Rule(UNKNOWN, weight, f"{what} {quote(location)} not recognised")
    listed = ", ".join(entries)
    return Rule(0.0, weight, f"{what} {quote(location)} is outside ICP {quote(listed)}", must_meet)


def _best_area(place: Place, areas: list[tuple[str, Area | None]]) -> tuple[str, float] | None:
    """The ICP entry the place lies in (first best); unknown entries match by their words."""
    text = f" {normalise(place.text)} "
    best: tuple[str, float] | None = None
    for entry, covered in areas:
        if covered is None:
            credit = 1.0 if f" {normalise(entry)} " in text else 0.0
        else:
            credit = covered.contains(place)
        if credit > 0 and (best is None or credit > best[1]):
            best = (entry, credit)
    return best

"""Company-size values of any common shape -> LinkedIn's size bands.

"51-200", "50-200", "201-500 employees", "1,000+", "1k-5k", "under 50", "at least 5000",
"between 100 and 300" and a bare "500" are all ranges of employees. A range selects every
band it overlaps by more than a boundary value ("50-200" is the 51-200 band, not also
11-50 because of the 50), or the band it lies within; a range that only touches bands
at their boundaries selects the bands it touches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from .tables import load

Range = tuple[int, int | None]  # inclusive bounds; None = no upper bound


@dataclass(frozen=True, slots=True)
class Band:
    label: str
    code: str
    low: int
    high: int | None

    def overlap(self, low: int, high: int | None) -> int | None:
        """How many employee counts the band shares with the range (None = unbounded)."""
        top = _min_top(self.high, high)
        bottom = max(self.low, low)
        if top is None:
            return None
        return max(0, top - bottom + 1)


def _min_top(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else min(a, b)


@cache
def bands() -> tuple[Band, ...]:
    return tuple(
        Band(row["label"], row["code"], row["min"], row["max"])
        for row in load("company_size_bands.json")["bands"]
    )


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    table = load("company_size_bands.json")
    num = r"(\d+)"
    shapes = [
        (
            rf"(?:(?:{_alternatives(table['range_prefixes'])})\s*)?{num}\s*"
            rf"(?:{_alternatives(table['range_words'])})\s*{num}",
            "range",
        ),
        (rf"{num}\s*(?:{_alternatives(table['open_suffixes'])})", "at_least"),
        (rf"(?:{_alternatives(table['at_most'])})\s*{num}", "at_most"),
        (rf"(?:{_alternatives(table['at_least'])})\s*{num}", "at_least"),
        (rf"(?:{_alternatives(table['below'])})\s*{num}", "below"),
        (rf"(?:{_alternatives(table['above'])})\s*{num}", "above"),
        (num, "exactly"),
    ]
    return [(re.compile(rf"^{shape}$"), kind) for shape, kind in shapes]


_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_THOUSANDS = re.compile(r"(?<=\d)[,.'\u00a0\u202f](?=\d{3}(?!\d))")
_MULTIPLIED = re.compile(r"(\d+(?:\.\d+)?)\s*([km])(?![a-z])")


def _normalise(value: str) -> str:
    text = _DASHES.sub("-", unicodedata.normalize("NFKC", value).casefold())
    text = text.replace("_", " ").replace("~", " ")
    text = _THOUSANDS.sub("", text)
    text = _MULTIPLIED.sub(
        lambda m: str(round(float(m[1]) * (1000 if m[2] == "k" else 1_000_000))), text
    )
    ignored = _alternatives(load("company_size_bands.json")["ignored_words"])
    text = re.sub(rf"(?<!\w)(?:{ignored})(?!\w)", " ", text)
    return " ".join(text.split())


def parse_size(value: str) -> Range | None:
    """The employee range a company-size value names, or None if it names none."""
    text = _normalise(value)
    for pattern, kind in _patterns():
        if match := pattern.match(text):
            return _bounds(kind, [int(group) for group in match.groups()])
    return None


def _bounds(kind: str, numbers: list[int]) -> Range | None:
    first = numbers[0]
    match kind:
        case "range":
            low, high = max(first, 1), numbers[1]
        case "at_least":
            low, high = max(first, 1), None
        case "above":
            low, high = first + 1, None
        case "at_most":
            low, high = 1, first
        case "below":
            low, high = 1, first - 1
        case _:
            low, high = first, first
    if high is not None and (high < 1 or low > high):
        return None
    return low, high


def bands_for(size: Range) -> list[str]:
    """Labels of the LinkedIn bands a range selects, smallest first."""
    low, high = size
    shared = [(band, band.overlap(low, high)) for band in bands()]
    chosen = [
        band.label
        for band, count in shared
        if count is None or count > 1 or (count == 1 and _within(band, low, high))
    ]
    return chosen or [band.label for band, count in shared if count != 0]


def _within(band: Band, low: int, high: int | None) -> bool:
    return low >= band.low and high is not None and (band.high is None or high <= band.high)

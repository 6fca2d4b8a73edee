"""The mapping tables (JSON data files in ``data/``), loaded once, with the text key
every lookup uses so that "Deutschland", "deutschland" and "Deutschland." are one value."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

_NON_WORD = re.compile(r"[^\w+]+")


def text_key(value: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a value ("São Paulo" -> "sao paulo")."""
    decomposed = unicodedata.normalize("NFKD", value.replace("&", " and "))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", plain.casefold()).replace("_", " ").split())


@cache
def load(name: str) -> dict[str, Any]:
    """A data file, parsed once; callers must not mutate what it returns."""
    return json.loads(
        resources.files(__package__).joinpath("data").joinpath(name).read_text("utf-8")
    )


@dataclass(frozen=True, slots=True)
class Lookup:
    """Every name and alias of a table -> the canonical name it stands for."""

    table: str
    names: dict[str, str]

    def get(self, value: str) -> str | None:
        key = text_key(value)
        # "the UK", "The Netherlands": an article is not part of the name.
        return self.names.get(key) or self.names.get(key.removeprefix("the "))


def _lookup(table: str, sections: tuple[str, ...]) -> Lookup:
    data = load(table)
    names: dict[str, str] = {}
    for section in sections:
        for entry in data[section]:
            for spelling in (entry["name"], *entry["aliases"]):
                names.setdefault(text_key(spelling), entry["name"])
    return Lookup(table, names)


@cache
def linkedin_industries() -> Lookup:
    return _lookup("linkedin_industries.json", ("industries",))


@cache
def locations() -> Lookup:
    """Countries, macro regions and places (locations.json), shared by every platform."""
    return _lookup("locations.json", ("countries", "regions", "places"))

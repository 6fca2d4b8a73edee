"""The platform catalogues the sandbox shares with the criteria translators.

LinkedIn geo ids, Facebook location keys, interests, behaviors, work positions, work
industries and education majors are ids a platform publishes and a client copies. This
repository keeps one copy, in ``leadgen_common/criteria/data`` (where the modeled ids are
declared "for the sandbox"), so the sandbox reads the same files: an id the translator
emits is an id the sandbox answers to.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

_NON_WORD = re.compile(r"[^\w+]+")


def text_key(value: str) -> str:
    """Case-, accent- and punctuation-insensitive form ("São Paulo" -> "sao paulo")."""
    decomposed = unicodedata.normalize("NFKD", value.replace("&", " and "))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", plain.casefold()).replace("_", " ").split())


@cache
def load(name: str) -> dict[str, Any]:
    """One of the shared data files, parsed once (callers must not mutate it)."""
    files = resources.files("leadgen_common.criteria").joinpath("data")
    return json.loads(files.joinpath(name).read_text("utf-8"))


@cache
def interests() -> tuple[dict[str, str], ...]:
    """Facebook interests [{id, name}] in catalogue order."""
    return tuple(
        {"id": e["id"], "name": e["name"]} for e in load("facebook_interests.json")["interests"]
    )


@cache
def behaviors() -> tuple[dict[str, str], ...]:
    return tuple(
        {"id": e["id"], "name": e["name"]} for e in load("facebook_behaviors.json")["behaviors"]
    )


@cache
def work_industries() -> tuple[dict[str, str], ...]:
    return tuple(
        {"id": e["id"], "name": e["name"]} for e in load("facebook_industries.json")["industries"]
    )


@cache
def work_positions() -> tuple[dict[str, Any], ...]:
    """Facebook work positions [{id, name, aliases}]."""
    return tuple(load("facebook_work_positions.json")["work_positions"])


@cache
def education_majors() -> tuple[dict[str, Any], ...]:
    return tuple(load("facebook.json")["education_majors"])


@cache
def places() -> tuple[dict[str, Any], ...]:
    """Cities and regions with their LinkedIn geo id and Facebook key."""
    return tuple(load("locations.json")["places"])


@cache
def countries() -> tuple[dict[str, Any], ...]:
    return tuple(load("locations.json")["countries"])


@cache
def regions() -> tuple[dict[str, Any], ...]:
    """Macro regions ("North America", "DACH", ...) with their countries and aliases."""
    return tuple(load("locations.json")["regions"])


def by_name(entries: tuple[dict[str, Any], ...]) -> dict[str, dict[str, Any]]:
    return {text_key(entry["name"]): entry for entry in entries}

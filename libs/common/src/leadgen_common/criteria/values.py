"""Helpers every platform translator shares: distinct values, override values and names,
and list caps that report what they cut."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..contracts.icp import split_list
from .tables import text_key


def distinct(values: Iterable[str]) -> list[str]:
    """Stripped, non-empty values, the first spelling of each (case/accent-insensitive)."""
    seen: dict[str, str] = {}
    for value in values:
        if value.strip():
            seen.setdefault(text_key(value) or value.strip(), value.strip())
    return list(seen.values())


def as_texts(value: Any) -> list[str] | None:
    """An override value as texts ("a, b" or ["a", "b"] or 500), or None if it is neither."""
    if isinstance(value, str):
        return split_list(value)
    if isinstance(value, list | tuple) and all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value
    ):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, int) and not isinstance(value, bool):
        return [str(value)]
    return None


@dataclass(frozen=True, slots=True)
class OverrideNames:
    """The names a campaign's searchCriteria[platform] may use for each criterion."""

    keys: dict[str, list[str]]

    def key_for(self, name: str) -> str | None:
        wanted = text_key(name)
        for key, names in self.keys.items():
            if any(text_key(n) == wanted for n in names):
                return key
        return None

    def unknown(self, source: str, platform: str) -> str:
        known = ", ".join(self.keys)
        return f"{source} is not a {platform} criterion (known: {known}); ignored"


def cap(values: list[Any], limit: int, what: str, platform: str) -> tuple[list[Any], list[str]]:
    """The first ``limit`` values, and a warning naming every value cut."""
    if len(values) <= limit:
        return values, []
    dropped = ", ".join(f"'{_label(v)}'" for v in values[limit:])
    return values[:limit], [
        f"{what}: {len(values)} values, {platform} is sent the first {limit}; left out: {dropped}"
    ]


def _label(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("key") or value.get("id"))
    return str(value)

"""Helpers for tests that talk to the sandbox in process: a client, documented examples.

``documented(name)`` is a provider's example response as its documentation shows it
(``documented/*.json``, each with its source), for adapters' tests and the sandbox's own;
``shape`` reduces a JSON value to its keys and kinds, so a test can say that a sandbox
answer has the documented shape.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

import httpx

_LOCALE = re.compile(r"^[a-z]{2}_[A-Z]{2}$")


@cache
def _documented(name: str) -> str:
    return resources.files(__package__).joinpath("documented", f"{name}.json").read_text("utf-8")


def documented(name: str) -> Any:
    """The documented example response ``name`` (a fresh copy)."""
    return json.loads(_documented(name))["example"]


def documented_names() -> list[str]:
    folder = resources.files(__package__).joinpath("documented")
    return sorted(
        p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json")
    )


def shape(value: Any) -> Any:
    """Keys and kinds of a JSON value: dicts keep their keys, lists their first item's
    shape, scalars become their kind; null is "null" (matching any kind, see
    shape_differences); locale keys ("en_US") become "<locale>"."""
    if isinstance(value, dict):
        # A map keyed by locale ("en_US", "de_DE") has one shape whatever the locale.
        return {_LOCALE.sub("<locale>", key): shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "string"


def shape_differences(ours: Any, documented_value: Any, extra: frozenset[str] = frozenset(),
                      path: str = "$") -> list[str]:  # fmt: skip
    """Where ``ours`` departs from the documented shape: missing or unexpected keys (keys
    named in ``extra``, at any depth, are allowed sandbox additions) and kind clashes.
    Empty lists and nulls on either side match anything."""
    a, b = shape(ours), shape(documented_value)
    return _diff(a, b, extra, path)


def _diff(a: Any, b: Any, extra: frozenset[str], path: str) -> list[str]:
    if a == "null" or b == "null" or a == [] or b == []:
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        problems = [f"{path}.{k}: missing" for k in b if k not in a]
        problems += [f"{path}.{k}: not documented" for k in a if k not in b and k not in extra]
        for key in a.keys() & b.keys():
            problems += _diff(a[key], b[key], extra, f"{path}.{key}")
        return problems
    if isinstance(a, list) and isinstance(b, list):
        return _diff(a[0], b[0], extra, f"{path}[0]")
    return [] if a == b else [f"{path}: {a} where the documentation has {b}"]


def client(app: Any, base_url: str = "http://sandbox") -> httpx.AsyncClient:
    """An httpx client talking to a sandbox app in process."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)


class FakeClock:
    """A clock and an async sleep that only move when told to (or when slept)."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

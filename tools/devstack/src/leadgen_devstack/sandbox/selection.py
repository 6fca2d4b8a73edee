"""Masks over the population and relevance ranking, at C speed without numpy.

A mask is ``bytes`` with one byte per person, 1 where a condition holds. A condition on a
byte column is one ``bytes.translate`` through a 256-entry table (every distinct value is
judged once, in Python); a condition on the employer is judged per company and spread to
people through the company column. Masks combine as big integers (OR, AND), and a
ranking packs criterion k's mask into bit k of a byte per person (8 per plane), then lists people
by how many bits they have, most first, each group in index order.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

_POPCOUNT = bytes(bin(value).count("1") for value in range(256))
_ONE = re.compile(b"\x01")


def table(values: Iterable[int]) -> bytes:
    """A translate table mapping each value in ``values`` to 1 and the rest to 0."""
    chosen = set(values)
    return bytes(1 if value in chosen else 0 for value in range(256))


def where(column: bytes, values: Iterable[int]) -> bytes:
    return column.translate(table(values))


def where_any(columns: Sequence[bytes], values: Iterable[int]) -> bytes:
    """People with any of ``values`` in any slot column (interests, skills, ...)."""
    lookup = table(values)
    return or_(*(column.translate(lookup) for column in columns))


def where_bits(columns: Sequence[bytes], bits: Iterable[int]) -> bytes:
    """People with any of ``bits`` set in a bit mask spread over byte columns (0-7, 8-15...)."""
    wanted = set(bits)
    masks = []
    for offset, column in enumerate(columns):
        own = {bit - 8 * offset for bit in wanted if 8 * offset <= bit < 8 * offset + 8}
        if own:
            flags = sum(1 << bit for bit in own)
            masks.append(column.translate(bytes(1 if v & flags else 0 for v in range(256))))
    return or_(*masks) if masks else bytes(len(columns[0]))


def by_company(company_column: array, company_mask: bytes) -> bytes:
    """A per-company mask (one byte per company) spread to each person's employer."""
    return bytes(map(company_mask.__getitem__, company_column))


def _int(mask: bytes) -> int:
    return int.from_bytes(mask, "little")


def or_(*masks: bytes) -> bytes:
    if len(masks) == 1:
        return masks[0]
    value = 0
    for mask in masks:
        value |= _int(mask)
    return value.to_bytes(len(masks[0]), "little")


def and_(*masks: bytes) -> bytes:
    if len(masks) == 1:
        return masks[0]
    value = _int(masks[0])
    for mask in masks[1:]:
        value &= _int(mask)
    return value.to_bytes(len(masks[0]), "little")


def not_(mask: bytes) -> bytes:
    return mask.translate(bytes([1]) + bytes(255))


def everyone(size: int) -> bytes:
    return bytes([1]) * size


def indices(mask: bytes) -> array:
    """Indexes where the mask is set, ascending."""
    return array("I", (match.start() for match in _ONE.finditer(mask)))


@dataclass(frozen=True, slots=True)
class Ranked:
    """People matching at least one criterion, those matching the most first."""

    order: array  # 'I' person indexes in rank order
    planes: tuple[bytes, ...]  # per person: bit k of plane p set when criterion 8p+k matched
    criteria: tuple[str, ...]
    full_matches: int

    def matched(self, index: int) -> list[str]:
        return [
            name
            for k, name in enumerate(self.criteria)
            if self.planes[k // 8][index] >> (k % 8) & 1
        ]

    def __len__(self) -> int:
        return len(self.order)


def rank(criteria: Sequence[tuple[str, bytes]], size: int, within: bytes | None = None) -> Ranked:
    """Rank by criteria matched (at most 16): full matches first, then partial ones by how
    many criteria they meet; ties by index. With no criteria everyone ``within`` matches.
    People outside ``within`` (a hard filter) are never listed."""
    if len(criteria) > 16:
        raise ValueError("at most 16 criteria can be ranked")
    names = tuple(name for name, _ in criteria)
    if not criteria:
        base = within if within is not None else everyone(size)
        order = indices(base)
        return Ranked(order, (bytes(size),), names, len(order))
    planes = []
    total = 0
    for start in range(0, len(criteria), 8):
        packed = 0
        for bit, (_, mask) in enumerate(criteria[start : start + 8]):
            packed |= _int(mask) << bit
        plane = packed.to_bytes(size, "little")
        planes.append(plane)
        # Each plane counts at most 8 per byte, so summing planes never carries.
        total += _int(plane.translate(_POPCOUNT))
    counts = total.to_bytes(size, "little")
    if within is not None:
        counts = and_(counts, within.translate(bytes([0]) + bytes([255]) * 255))
    order = array("I")
    for count in range(len(criteria), 0, -1):
        order.extend(match.start() for match in re.finditer(re.escape(bytes([count])), counts))
    return Ranked(order, tuple(planes), names, counts.count(len(criteria)))


def company_mask(count: int, predicate: Callable[[int], bool]) -> bytes:
    return bytes(1 if predicate(index) else 0 for index in range(count))

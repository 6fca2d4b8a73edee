"""The CSV of GET /leads/export: one line per lead, the columns of the lead listing (no
contact data beyond the email, no enrichment payloads, nothing secret), with every text
cell a spreadsheet could run as a formula defused (OWASP "CSV injection": names and titles
come from public profiles anyone can write)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

#: The columns, in order (the lead listing's camelCase names).
COLUMNS = (
    "id",
    "prospectId",
    "campaignId",
    "status",
    "assignee",
    "name",
    "title",
    "company",
    "email",
    "icpMatchScore",
    "qualityScore",
    "source",
    "createdAt",
)
#: What a spreadsheet treats as the start of a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell(value: Any) -> str:
    """A CSV cell: empty for null; text that would start a formula gets a leading quote."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def lines(items: Iterable[Mapping[str, Any]], *, header: bool = False) -> str:
    """CSV text (RFC 4180, CRLF line ends) of ``items``, keyed by :data:`COLUMNS`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow(COLUMNS)
    for item in items:
        writer.writerow([cell(item.get(column)) for column in COLUMNS])
    return out.getvalue()

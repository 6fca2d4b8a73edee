"""The console's ICP form: each field of appendix C's ICP as one input (lists one item a
line), to and from the API's camelCase JSON, so a 422's field path names its input."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IcpField:
    path: str  # the API's field path, e.g. "demographics.jobTitles"; also the input's name
    label: str
    many: bool  # a list: one item a line
    hint: str = ""

    @property
    def id(self) -> str:
        return "icp-" + self.path.replace(".", "-")


ICP_FIELDS: tuple[IcpField, ...] = (
    IcpField("name", "Name", False),
    IcpField("demographics.jobTitles", "Job titles", True, "one a line"),
    IcpField("demographics.ageRange", "Age range", False, "e.g. 35-55 or 55+"),
    IcpField("demographics.location", "Locations", False, "comma-separated"),
    IcpField("demographics.education", "Education", False),
    IcpField("firmographics.industry", "Industries", True, "one a line"),
    IcpField("firmographics.companySize", "Company sizes", True, "one a line, e.g. 51-200"),
    IcpField("firmographics.revenue", "Revenue", False, "e.g. $10M-$100M ARR"),
    IcpField("firmographics.geography", "Company geography", False, "comma-separated"),
    IcpField("psychographics.painPoints", "Pain points", True, "one a line"),
    IcpField("psychographics.goals", "Goals", True, "one a line"),
    IcpField("psychographics.motivations", "Motivations", True, "one a line"),
    IcpField("psychographics.values", "Values", True, "one a line"),
    IcpField("behaviors.buyingTriggers", "Buying triggers", True, "one a line"),
    IcpField("behaviors.decisionProcess", "Decision process", False),
    IcpField("behaviors.preferredChannels", "Preferred channels", True, "one a line"),
    IcpField("behaviors.influencers", "Influencers", True, "one a line"),
)

SECTIONS = ("demographics", "firmographics", "psychographics", "behaviors")


def body_from_form(form: dict[str, str]) -> dict[str, Any]:
    """The API body the form describes; empty inputs are left out (every field but the
    name is optional), so the API's own validation decides what is wrong."""
    body: dict[str, Any] = {}
    for field in ICP_FIELDS:
        raw = (form.get(field.path) or "").strip()
        if not raw:
            continue
        value: Any = (
            [line.strip() for line in raw.splitlines() if line.strip()] if field.many else raw
        )
        *sections, key = field.path.split(".")
        target = body
        for section in sections:
            target = target.setdefault(section, {})
        target[key] = value
    return body


def form_from_body(body: dict[str, Any]) -> dict[str, str]:
    """The inputs' values for an ICP as the API returns it (to edit it)."""
    values: dict[str, str] = {}
    for field in ICP_FIELDS:
        value: Any = body
        for part in field.path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            continue
        if isinstance(value, list):
            values[field.path] = ("\n" if field.many else ", ").join(str(v) for v in value)
        else:
            values[field.path] = str(value)
    return values


def definition_json(body: dict[str, Any]) -> str:
    """An ICP from the API without its server-side fields, as pasteable JSON."""
    keep = {k: v for k, v in body.items() if k in ("name", "productId", *SECTIONS)}
    return json.dumps(keep, indent=2)


def parse_json(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """(body, None), or (None, why the pasted text is no JSON object)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    if not isinstance(value, dict):
        return None, "the ICP must be a JSON object"
    return value, None

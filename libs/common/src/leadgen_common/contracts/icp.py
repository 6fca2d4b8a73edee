"""The Ideal Customer Profile (spec §1.1 and appendix C).

JSON on the HTTP API is camelCase (``jobTitles``); inside events it is snake_case
(``job_titles``). Every field is optional except the name, so an ICP with any
section partly or wholly empty is valid; unknown fields are refused so a typo
(``jobTitle``) is an error naming the field instead of a silently ignored value.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
TextList = Annotated[list[Text], Field(max_length=100)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]

_AGE_RANGE = re.compile(r"^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})|\+)\s*$")


def _check_age_range(value: str | None) -> str | None:
    if value is None:
        return None
    match = _AGE_RANGE.match(value)
    if not match:
        raise ValueError("age range must look like '35-55' or '55+'")
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else 120
    if not 13 <= low <= high <= 120:
        raise ValueError("age range must satisfy 13 <= min <= max <= 120")
    return value.strip()


def split_list(value: str | list[str] | None) -> list[str]:
    """Accept both "United States, Canada" and ["United States", "Canada"]."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    return [item.strip() for item in items if item and item.strip()]


class _Section(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class Demographics(_Section):
    job_titles: TextList = Field(default_factory=list, description="Job titles to target.")
    age_range: Annotated[str | None, AfterValidator(_check_age_range)] = Field(
        default=None, description="Age range as 'min-max' (e.g. '35-55') or 'min+'."
    )
    location: str | TextList | None = Field(
        default=None,
        description="Locations: a comma-separated string or a list (countries, regions, cities).",
    )
    education: LongText | None = Field(default=None, description="Education requirement.")

    @property
    def locations(self) -> list[str]:
        return split_list(self.location)


class Firmographics(_Section):
    industry: TextList = Field(default_factory=list, description="Industries to target.")
    company_size: TextList = Field(
        default_factory=list,
        description="Company sizes by employee count, e.g. '51-200', '1000+', '201-500 employees'.",
    )
    revenue: LongText | None = Field(
        default=None, description="Revenue band, e.g. '$10M-$100M ARR'."
    )
    geography: str | TextList | None = Field(
        default=None, description="Company geography: a comma-separated string or a list."
    )

    @property
    def geographies(self) -> list[str]:
        return split_list(self.geography)


class Psychographics(_Section):
    pain_points: TextList = Field(default_factory=list, description="Problems the persona has.")
    goals: TextList = Field(default_factory=list, description="What the persona wants to achieve.")
    motivations: TextList = Field(default_factory=list, description="What drives the persona.")
    values: TextList = Field(default_factory=list, description="What the persona values.")


class Behaviors(_Section):
    buying_triggers: TextList = Field(
        default_factory=list, description="Events that make the persona buy now."
    )
    decision_process: LongText | None = Field(default=None, description="How they decide.")
    preferred_channels: TextList = Field(
        default_factory=list, description="Channels the persona prefers."
    )
    influencers: TextList = Field(default_factory=list, description="Who influences the decision.")


class IcpDefinition(_Section):
    """What a sales team describes: the body of ``POST /api/v1/icps``."""

    name: Text = Field(description="Human name of the ICP.")
    product_id: Text | None = Field(default=None, description="Product this ICP sells.")
    demographics: Demographics = Field(
        default_factory=Demographics, description="Who: titles, age, location, education."
    )
    firmographics: Firmographics = Field(
        default_factory=Firmographics, description="Where they work: industry, size, revenue."
    )
    psychographics: Psychographics = Field(
        default_factory=Psychographics, description="Why they buy: pains, goals, values."
    )
    behaviors: Behaviors = Field(
        default_factory=Behaviors, description="How they buy: triggers, process, channels."
    )


class Icp(IcpDefinition):
    """A stored ICP: the definition plus its id (the sample ICP file carries one)."""

    id: Text | None = Field(default=None, description="ICP id (a UUID once stored).")

    def text(self) -> str:
        """Plain-language text of the persona, used for embeddings and keyword matching."""
        d, f, p, b = self.demographics, self.firmographics, self.psychographics, self.behaviors
        parts = [
            ", ".join(d.job_titles),
            ", ".join(d.locations),
            d.education or "",
            ", ".join(f.industry),
            ", ".join(f.company_size),
            ", ".join(p.pain_points + p.goals + p.motivations + p.values),
            ", ".join(b.buying_triggers + b.preferred_channels + b.influencers),
        ]
        return ". ".join(part for part in parts if part)

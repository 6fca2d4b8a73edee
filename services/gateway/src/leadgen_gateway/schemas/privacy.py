"""Bodies of the privacy routes: erasure and a team's suppression list."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from leadgen_common.suppression import normalize
from pydantic import Field, StringConstraints, model_validator

from .common import CamelModel


class ErasureAccepted(CamelModel):
    prospect_id: uuid.UUID
    status: Literal["accepted"] = Field(
        description="Every service erases what it holds of the person shortly; lead-writer "
        "confirms with prospect.erased. The prospect stays listed with status erased and no "
        "personal fields."
    )


SuppressionValue = Annotated[
    str, StringConstraints(min_length=1, max_length=2048, pattern=r"^[^\x00-\x1f\x7f]+$")
]


class SuppressionBody(CamelModel):
    """One person (an email or a profile URL) or a whole company (a domain) the team never
    wants to prospect again. Only its SHA-256 digest is kept, never the value."""

    kind: Literal["email", "domain", "profile_url"] = Field(description="What ``value`` is.")
    value: SuppressionValue = Field(
        description="The email, the company's web domain (or a URL on it), or the public "
        "profile URL, e.g. 'https://www.linkedin.com/in/ada-1'."
    )

    @model_validator(mode="after")
    def _recognizable(self) -> SuppressionBody:
        if normalize(self.kind, self.value) is None:
            raise ValueError(f"value is not a usable {self.kind.replace('_', ' ')}")
        return self


class SuppressionAccepted(CamelModel):
    kind: Literal["email", "domain", "profile_url"]
    status: Literal["accepted"] = Field(
        description="lead-writer adds the digest to the team's list shortly; discovery, "
        "enrichment and lead-writer skip whoever it names from then on."
    )

"""Bucket limits and how buckets nest: an operation bucket under its platform's cap."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: ``platform:operation`` (e.g. ``linkedin:search``) or a cap (``linkedin``, ``enrichment``).
#: Names are code constants, never ids, so they are safe metric labels.
BUCKET_NAME = re.compile(r"^[a-z][a-z0-9_-]*(:[a-z][a-z0-9_-]*)?$")


class BucketLimit(BaseModel):
    """At most ``limit`` calls in any rolling ``window_s``; with ``burst``, also paced.

    ``burst`` bounds calls back to back: after ``burst`` of them, one more every
    ``window_s / limit``. Without it the whole window's allowance may be used at once.
    ``parent`` names the cap bucket a call must also take a token from.
    """

    model_config = ConfigDict(frozen=True)

    limit: int = Field(ge=1, description="Calls admitted in any rolling window.")
    window_s: float = Field(default=3600.0, gt=0, description="Window length in seconds.")
    burst: int | None = Field(default=None, ge=1, description="Calls back to back, then paced.")
    parent: str | None = Field(default=None, description="Cap bucket above this one.")

    @model_validator(mode="after")
    def _burst_within_limit(self) -> BucketLimit:
        if self.burst is not None and self.burst > self.limit:
            raise ValueError(f"burst {self.burst} exceeds the window's limit {self.limit}")
        return self


class UnknownBucketError(KeyError):
    """A bucket with no limit configured and no default to fall back on."""


@dataclass(frozen=True)
class LimitTable:
    """Every configured bucket; ``chain(name)`` gives the bucket and the caps above it.

    A ``platform:operation`` bucket that is not configured gets ``default`` (spec §4.3: any
    other endpoint is limited to 100 per hour) under the cap ``caps_by_platform`` names.
    """

    buckets: Mapping[str, BucketLimit]
    default: BucketLimit | None = None
    caps_by_platform: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, limit in self.buckets.items():
            check_bucket_name(name)
            if limit.parent is not None and limit.parent not in self.buckets:
                raise ValueError(f"bucket {name!r}: parent {limit.parent!r} is not configured")
        for name in self.buckets:
            self.chain(name)  # refuses cycles at construction, not on the first call

    def limit_of(self, name: str) -> BucketLimit:
        check_bucket_name(name)
        if name in self.buckets:
            return self.buckets[name]
        if self.default is None or ":" not in name:
            raise UnknownBucketError(name)
        cap = self.caps_by_platform.get(name.split(":", 1)[0])
        parent = cap if cap in self.buckets else None
        return self.default.model_copy(update={"parent": parent})

    def chain(self, name: str) -> list[tuple[str, BucketLimit]]:
        """The bucket first, then each cap above it."""
        chain: list[tuple[str, BucketLimit]] = []
        current: str | None = name
        while current is not None:
            if any(seen == current for seen, _ in chain):
                raise ValueError(f"bucket {name!r}: its parents form a cycle at {current!r}")
            limit = self.limit_of(current)
            chain.append((current, limit))
            current = limit.parent
        return chain


def check_bucket_name(name: str) -> str:
    if not BUCKET_NAME.match(name):
        raise ValueError(f"bucket name {name!r} is not 'platform:operation' or 'cap' in lower case")
    return name

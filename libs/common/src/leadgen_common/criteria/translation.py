"""What a translation returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Translation:
    """The criteria a platform search receives, and every ICP or override value that
    could not be used (never dropped silently: the campaign status shows these)."""

    criteria: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

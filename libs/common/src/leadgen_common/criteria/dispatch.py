"""From a platform to its translator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..contracts.icp import Icp
from ..contracts.platforms import Platform
from . import facebook, linkedin, twitter
from .translation import Translation

#: Kept for discovery: the failure reason of a platform it has no search adapter for.
#: Every platform has a translator.
NOT_SUPPORTED = "platform not supported yet"

TRANSLATORS: dict[Platform, Callable[[Icp, dict[str, Any] | None], Translation]] = {
    Platform.LINKEDIN: linkedin.translate,
    Platform.FACEBOOK: facebook.translate,
    Platform.TWITTER: twitter.translate,
}


def translate(
    icp: Icp, platform: Platform | str, overrides: dict[str, Any] | None = None
) -> Translation:
    """Criteria for ``platform`` from ``icp``, narrowed by the campaign's
    ``searchCriteria[platform]`` (``overrides``). Pure and deterministic. Every warning
    starts with the platform ("facebook: ..."), since a campaign shows them together."""
    platform = Platform(platform)
    result = TRANSLATORS[platform](icp, overrides)
    prefix = f"{platform.value}: "
    return Translation(
        result.criteria,
        [w if w.startswith(prefix) else prefix + w for w in result.warnings],
    )

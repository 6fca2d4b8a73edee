"""From a platform to its translator."""

from __future__ import annotations

from typing import Any

from ..contracts.icp import Icp
from ..contracts.platforms import Platform
from . import linkedin
from .translation import Translation

NOT_SUPPORTED = "platform not supported yet"


def translate(
    icp: Icp, platform: Platform | str, overrides: dict[str, Any] | None = None
) -> Translation:
    """Criteria for ``platform`` from ``icp``, narrowed by the campaign's
    ``searchCriteria[platform]`` (``overrides``). Pure and deterministic."""
    platform = Platform(platform)
    if platform is Platform.LINKEDIN:
        return linkedin.translate(icp, overrides)
    return Translation({}, [f"{platform.value}: {NOT_SUPPORTED}"])

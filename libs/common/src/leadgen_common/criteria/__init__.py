"""ICP -> platform search criteria: pure, deterministic, table-driven.

    translate(icp, Platform.LINKEDIN, campaign.search_criteria.get("linkedin"))
    -> Translation(criteria={"titles": [...], "companySizes": ["51-200"], ...}, warnings=[...])

LinkedIn gets people-search filters (names and ids), Facebook a Marketing API targeting
spec, X a users-search and a recent-search query; each module's docstring shows its shape.
The mapping tables are JSON files in ``data/``. Used by discovery (the search), and by the
gateway (criteria preview, campaign status).
"""

from .dispatch import NOT_SUPPORTED, translate
from .translation import Translation

__all__ = ["NOT_SUPPORTED", "Translation", "translate"]

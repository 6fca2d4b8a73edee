"""Who may do what (spec §12.3), and how much of the team's data a role sees.

The team is the tenant: no role sees another team's data. Within the team, ``view_all``
(admin) and ``view_team`` (sales_manager) both cover the whole team (there are no
sub-teams), while ``view_assigned`` (sales_rep, viewer) covers only the prospects and
leads assigned to the principal (``assignee`` == the token's ``sub``); a rep or viewer
reads the team's ICPs and campaigns (definitions and counts, no personal data) but no
prospect or lead that is not theirs, and nothing that searches the team's whole pool of
people (similar prospects, enrichment jobs, exports).

``update_status`` lets a sales_rep move the leads assigned to them through the lead
statuses; managers and admins (``create_campaign``: they run the team's prospecting)
also assign leads and prospects and set any lead's status.
"""

from __future__ import annotations

from enum import StrEnum

from leadgen_common.auth import Principal, Role


class Permission(StrEnum):
    CREATE_CAMPAIGN = "create_campaign"  # ICPs, campaigns, their control, review, assignment
    VIEW_ALL = "view_all"
    VIEW_TEAM = "view_team"
    VIEW_ASSIGNED = "view_assigned"
    UPDATE_STATUS = "update_status"
    EXPORT_DATA = "export_data"
    DELETE = "delete"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {Permission.CREATE_CAMPAIGN, Permission.VIEW_ALL, Permission.EXPORT_DATA, Permission.DELETE}
    ),
    Role.SALES_MANAGER: frozenset(
        {Permission.CREATE_CAMPAIGN, Permission.VIEW_TEAM, Permission.EXPORT_DATA}
    ),
    Role.SALES_REP: frozenset({Permission.VIEW_ASSIGNED, Permission.UPDATE_STATUS}),
    Role.VIEWER: frozenset({Permission.VIEW_ASSIGNED}),
}

#: Any of these lets a principal read (what it reads is its ``scope``).
VIEW = frozenset({Permission.VIEW_ALL, Permission.VIEW_TEAM, Permission.VIEW_ASSIGNED})
#: Any of these lets a principal read the whole team's prospects and leads.
VIEW_WHOLE_TEAM = frozenset({Permission.VIEW_ALL, Permission.VIEW_TEAM})
#: Any of these lets a principal change a lead's status (a rep: only its own leads).
CHANGE_LEAD_STATUS = frozenset({Permission.UPDATE_STATUS, Permission.CREATE_CAMPAIGN})


def allows(role: Role, permission: Permission) -> bool:
    return permission in GRANTS.get(role, frozenset())


def allows_any(role: Role, permissions: frozenset[Permission]) -> bool:
    return not GRANTS.get(role, frozenset()).isdisjoint(permissions)


def assigned_only(principal: Principal) -> str | None:
    """The assignee a principal's reads of prospects and leads are limited to (its own
    ``sub``), or None when it sees the whole team."""
    if allows_any(principal.role, VIEW_WHOLE_TEAM):
        return None
    return principal.subject

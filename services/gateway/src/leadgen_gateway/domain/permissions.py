"""Who may do what (spec §12.3). Issue 8 refines reads (view_assigned vs view_team);
for now every role reads its team's data and only managers and admins change it."""

from __future__ import annotations

from enum import StrEnum

from leadgen_common.auth import Role


class Permission(StrEnum):
    CREATE_CAMPAIGN = "create_campaign"  # ICPs, campaigns, their control, review decisions
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


def allows(role: Role, permission: Permission) -> bool:
    return permission in GRANTS.get(role, frozenset())

"""A user's edit of a prospect (prospect.update) as the values to write: profile columns,
contact_info keys, the edited-field marks, the assignment and the lead status.

A mark is the field's name as the prospects table and contact_info spell it (``title``,
``company_name``, ``email``); the enrichment upsert keeps a marked column and drops a
marked key from what enrichment found, plus the keys that describe it
(:data:`DESCRIBED_BY`) unless enrichment described the very value the user gave."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from leadgen_common.contracts.events import (
    EDITABLE_CONTACT_FIELDS,
    EDITABLE_PROFILE_FIELDS,
    UpdateProspect,
)
from leadgen_common.db.schema import LEAD_STATUSES

#: contact_info keys that say something about another key and go stale with it: a
#: verification status belongs to the address a provider found, not to one a user typed.
DESCRIBED_BY: dict[str, tuple[str, ...]] = {"email": ("email_status",)}


class InvalidEdit(ValueError):
    """The command asks for something no prospect can take (e.g. an unknown lead status)."""


@dataclass(frozen=True)
class Edit:
    columns: dict[str, str | None]  # profile columns to set (null clears)
    contact: dict[str, str | None]  # contact_info keys to set (null removes)
    marks: tuple[str, ...]  # field names to add to edited_fields
    assign: bool  # whether the assignee changes (to ``assignee``, null unassigns)
    assignee: str | None
    lead_status: str | None

    @property
    def touches_lead(self) -> bool:
        return bool(self.contact) or self.assign or self.lead_status is not None


def edit_of(update: UpdateProspect) -> Edit:
    """What ``update`` changes (its fields were checked against the contract already)."""
    if update.lead_status is not None and update.lead_status not in LEAD_STATUSES:
        raise InvalidEdit(f"lead status {update.lead_status!r} is not one of {LEAD_STATUSES}")
    fields = update.fields
    return Edit(
        columns={k: v for k, v in fields.items() if k in EDITABLE_PROFILE_FIELDS},
        contact={k: v for k, v in fields.items() if k in EDITABLE_CONTACT_FIELDS},
        marks=tuple(sorted(fields)),
        assign=update.assignee is not None or update.unassign,
        assignee=update.assignee,
        lead_status=update.lead_status,
    )


def contact_after(contact_info: Mapping[str, Any], edit: Edit) -> dict[str, Any]:
    """contact_info with the edit applied. A key that describes an edited one goes when
    the value changes (a status of another address), stays when the user kept it."""
    after = dict(contact_info)
    for name, value in edit.contact.items():
        if after.get(name) != value:
            for key in DESCRIBED_BY.get(name, ()):
                after.pop(key, None)
        if value is None:
            after.pop(name, None)
        else:
            after[name] = value
    return after


def marks_after(edited_fields: Iterable[str], edit: Edit) -> list[str]:
    """The union of the marks, without duplicates, in a stable order."""
    return sorted({*edited_fields, *edit.marks})

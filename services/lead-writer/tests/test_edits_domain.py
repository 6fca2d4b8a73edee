"""The pure side of prospect.update: what an edit writes, without a database."""

from __future__ import annotations

import uuid

import pytest
from leadgen_common.contracts.events import UpdateProspect
from leadgen_lead_writer.domain import edits


def _edit(**command) -> edits.Edit:
    return edits.edit_of(UpdateProspect(prospect_id=uuid.uuid4(), requested_by="u", **command))


def test_an_edit_splits_profile_columns_from_contact_keys_and_marks_both():
    edit = _edit(fields={"email": "a@x.example", "phone": None, "title": "CTO"})
    assert edit.columns == {"title": "CTO"}
    assert edit.contact == {"email": "a@x.example", "phone": None}
    assert edit.marks == ("email", "phone", "title")
    assert not edit.assign and edit.touches_lead


def test_assignment_unassignment_and_leaving_it_alone():
    assert (_edit(assignee="rep-1").assign, _edit(assignee="rep-1").assignee) == (True, "rep-1")
    assert (_edit(unassign=True).assign, _edit(unassign=True).assignee) == (True, None)
    untouched = _edit(fields={"title": "CTO"})
    assert not untouched.assign and not untouched.touches_lead


def test_an_edited_email_takes_its_stale_verification_status_with_it():
    found = {"email": "theirs@x.example", "email_status": "valid", "phone": "1"}
    mine = _edit(fields={"email": "mine@x.example"})
    assert edits.contact_after(found, mine) == {"email": "mine@x.example", "phone": "1"}
    cleared = _edit(fields={"email": None})
    assert edits.contact_after(found, cleared) == {"phone": "1"}
    kept = _edit(fields={"email": "theirs@x.example"})  # confirmed: the status still holds
    assert edits.contact_after(found, kept) == found


def test_marks_are_a_sorted_union():
    assert edits.marks_after(["title", "email"], _edit(fields={"email": "a@x.example"})) == [
        "email",
        "title",
    ]


def test_an_unknown_lead_status_is_refused():
    with pytest.raises(edits.InvalidEdit):
        _edit(lead_status="promoted")
    assert _edit(lead_status="won").lead_status == "won"

"""prospect.update: which fields a user may edit, null (clear) versus absent (untouched),
and assignment versus unassignment survive the wire; anything else is poison."""

from __future__ import annotations

import pytest
from leadgen_common.contracts import (
    PoisonMessage,
    decode,
    encode,
    envelope_for,
    prospect_id_for,
    team_id_for,
)
from leadgen_common.contracts import events as ev
from pydantic import ValidationError

TEAM = team_id_for("acme")
PROSPECT = prospect_id_for(TEAM, "linkedin", "li-1")


def _round_trip(payload: ev.UpdateProspect) -> ev.UpdateProspect:
    envelope = envelope_for(payload, team_id=TEAM, correlation_id="c")
    return decode("prospect.update", encode(envelope)).payload


def test_edits_keep_null_apart_from_absent_and_unassign_apart_from_untouched():
    edit = ev.UpdateProspect(
        prospect_id=PROSPECT,
        fields={"email": "ann@example.org", "phone": None, "company_name": "Acme"},
        unassign=True,
        requested_by="alice",
    )
    back = _round_trip(edit)
    assert back.fields == {"email": "ann@example.org", "phone": None, "company_name": "Acme"}
    assert back.unassign is True and back.assignee is None
    untouched = _round_trip(ev.UpdateProspect(prospect_id=PROSPECT, requested_by="alice"))
    assert untouched.unassign is False and untouched.assignee is None


def test_every_editable_field_is_accepted():
    fields = dict.fromkeys(ev.EDITABLE_FIELDS, "x")
    edit = ev.UpdateProspect(prospect_id=PROSPECT, fields=fields, requested_by="a")
    assert _round_trip(edit).fields == fields


@pytest.mark.parametrize(
    "payload",
    [
        {"fields": {"status": "converted"}},
        {"fields": {"icp_match_score": 1.0}},
        {"fields": {"name": None}},
        {"fields": {"email": 42}},
        {"assignee": "bob", "unassign": True},
    ],
)
def test_other_edits_are_refused(payload):
    with pytest.raises(ValidationError):
        ev.UpdateProspect(prospect_id=PROSPECT, requested_by="a", **payload)


def test_a_forged_field_on_the_wire_is_poison():
    raw = encode(
        envelope_for(
            ev.UpdateProspect(prospect_id=PROSPECT, fields={"title": "CTO"}, requested_by="a"),
            team_id=TEAM,
            correlation_id="c",
        )
    )
    with pytest.raises(PoisonMessage) as err:
        decode("prospect.update", raw.replace(b'"title"', b'"team_id"'))
    assert err.value.reason == "contract_violation"

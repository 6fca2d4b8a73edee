"""Pure pieces without I/O: progress arithmetic, cursors, error field paths, permissions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from leadgen_common.auth import Role
from leadgen_common.contracts import CampaignStatus
from leadgen_gateway.domain import progress as calc
from leadgen_gateway.domain.cursor import BadCursor, decode_cursor, encode_cursor
from leadgen_gateway.domain.permissions import Permission, allows
from leadgen_gateway.errors import field_path, validation_errors

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_status_is_lead_writers_once_it_has_one():
    assert calc.effective_status(None, "paused") is CampaignStatus.PAUSED
    assert calc.effective_status("completed", "running") is CampaignStatus.COMPLETED


@pytest.mark.parametrize(
    ("progress_status", "requested", "accepts"),
    [
        (None, "running", True),
        ("paused", "paused", True),
        ("running", "cancelled", False),
        ("completed", "running", False),
        ("failed", "running", False),
        ("cancelled", "cancelled", False),
    ],
)
def test_control_is_refused_once_ended(progress_status, requested, accepts):
    assert calc.accepts_control(progress_status, requested) is accepts


def test_estimate_extrapolates_the_campaigns_own_rate():
    kw = dict(started_at=T0, completed_at=None, target=300, fallback=T0 + timedelta(hours=1))
    running = CampaignStatus.RUNNING
    now = T0 + timedelta(seconds=10)
    assert calc.estimate_completion(status=running, now=now, scored=100, **kw) == T0 + timedelta(
        seconds=30
    )
    assert calc.estimate_completion(status=running, now=now, scored=0, **kw) == kw["fallback"]
    assert calc.estimate_completion(status=running, now=now, scored=300, **kw) == now
    paused = CampaignStatus.PAUSED
    assert calc.estimate_completion(status=paused, now=now, scored=100, **kw) is None
    done = {**kw, "completed_at": now}
    assert (
        calc.estimate_completion(status=CampaignStatus.COMPLETED, now=now, scored=3, **done) == now
    )


def test_estimate_target_and_initial_estimate():
    assert calc.estimate_target(max_prospects=300, discovered=10, expected=None) == 300
    assert calc.estimate_target(max_prospects=300, discovered=10, expected=120) == 120
    assert calc.initial_estimate(T0, 300, 10.0) == T0 + timedelta(seconds=30)


def test_cost_per_qualified_lead():
    assert calc.cost_per_qualified_lead(Decimal("1.00"), 3) == 0.3333
    assert calc.cost_per_qualified_lead(Decimal("1.00"), 0) is None
    assert calc.money(Decimal("0.00005")) == 0.0001


def test_cursor_round_trip_and_forgeries():
    cursor = encode_cursor(0.7, "8d6c3b4e-0000-4000-8000-000000000000")
    assert "=" not in cursor
    assert decode_cursor(cursor, 2) == [0.7, "8d6c3b4e-0000-4000-8000-000000000000"]
    for bad in ("", "!!", encode_cursor(1), "eyJhIjoxfQ"):
        with pytest.raises(BadCursor):
            decode_cursor(bad, 2)


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("body", "demographics", "ageRange"), "demographics.ageRange"),
        (("body", "firmographics", "companySize", 1), "firmographics.companySize[1]"),
        (("body", "demographics", "location", "str"), "demographics.location"),
        (("body", "searchCriteria", "orkut", "[key]"), "searchCriteria.orkut"),
        (
            ("body", "demographics", "ageRange", "function-after[_check_age_range(), str]"),
            "demographics.ageRange",
        ),
        (("query", "minScore"), "minScore"),
        (("body",), "body"),
    ],
)
def test_field_paths_are_camel_case_json_paths(loc, path):
    assert field_path(loc) == path


def test_a_union_reports_its_field_once():
    errors = [
        {"loc": ("body", "demographics", "location", "str"), "msg": "not a string"},
        {"loc": ("body", "demographics", "location", "list[str]"), "msg": "not a list"},
    ]
    assert validation_errors(errors) == [
        {"field": "demographics.location", "message": "not a string"}
    ]


def test_permissions_follow_spec_12_3():
    creators = {r for r in Role if allows(r, Permission.CREATE_CAMPAIGN)}
    assert creators == {Role.ADMIN, Role.SALES_MANAGER}
    assert allows(Role.VIEWER, Permission.VIEW_ASSIGNED)
    assert not allows(Role.SALES_REP, Permission.EXPORT_DATA)


def test_a_union_member_that_got_deeper_names_the_bad_item():
    errors = [
        {"loc": ("body", "firmographics", "geography", "str"), "msg": "not a string"},
        {"loc": ("body", "firmographics", "geography", "list[str]", 1), "msg": "too short"},
    ]
    assert validation_errors(errors) == [
        {"field": "firmographics.geography[1]", "message": "too short"}
    ]

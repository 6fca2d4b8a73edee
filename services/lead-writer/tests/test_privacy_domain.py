"""Privacy decisions without I/O: which entry an opt-out adds, a breakdown without its
reasons, and how an erased prospect sits in the funnel."""

from __future__ import annotations

import pytest
from leadgen_common.contracts.events import AddSuppression, ProspectStatus, ScoreOutcome
from leadgen_common.suppression import Entry, Kind, entry
from leadgen_lead_writer.domain import funnel
from leadgen_lead_writer.domain.funnel import Stage
from leadgen_lead_writer.domain.privacy import InvalidSuppression, requested_entry, without_reasons
from leadgen_lead_writer.domain.statuses import outcome_bucket


def command(kind: str, value: str, hashed: bool = False) -> AddSuppression:
    return AddSuppression(kind=kind, value=value, requested_by="u", hashed=hashed)


def test_an_opt_out_is_the_digest_sent_or_the_digest_of_the_normal_form():
    digest = entry("email", "ann@acme.io").digest
    assert requested_entry(command("email", digest, hashed=True)) == Entry(Kind.EMAIL, digest)
    assert requested_entry(command("email", " Ann@ACME.io ")) == Entry(Kind.EMAIL, digest)
    assert requested_entry(command("profile_url", "https://www.linkedin.com/in/Ann/")) == entry(
        "profile_url", "linkedin.com/in/ann"
    )


@pytest.mark.parametrize(
    ("kind", "value", "hashed"),
    [
        ("platform_id", "linkedin:1", False),  # only erasure adds platform ids
        ("phone", "+49 30 1", False),
        ("domain", "localhost", False),
        ("email", "ann@acme.io", True),  # claimed hashed, but plain
        ("email", "A" * 64, True),  # not lower-case hex
    ],
)
def test_an_opt_out_naming_nothing_is_refused(kind, value, hashed):
    with pytest.raises(InvalidSuppression):
        requested_entry(command(kind, value, hashed))


def test_a_breakdown_keeps_its_scores_and_loses_its_reasons():
    breakdown = {
        "demographics": {"score": 0.9, "reasons": ["title 'CTO' matches"]},
        "activity": {"score": 0.2, "reasons": []},
    }
    assert without_reasons(breakdown) == {
        "demographics": {"score": 0.9, "reasons": []},
        "activity": {"score": 0.2, "reasons": []},
    }


def test_an_erased_prospect_is_terminal_and_never_moves_back():
    stage = funnel.erased(Stage(status=ProspectStatus.QUALIFIED, discovered=True, scored=True))
    assert stage.status is ProspectStatus.ERASED
    assert funnel.scored(funnel.enriched(stage, None), ScoreOutcome.QUALIFIED).status is (
        ProspectStatus.ERASED
    )


def test_an_erased_prospect_scored_after_its_erasure_counts_as_rejected():
    before = funnel.erased(Stage(discovered=True, enriched=True))
    after = funnel.scored(before, ScoreOutcome.QUALIFIED)
    change = funnel.delta(before, after)
    assert (change.scored, change.rejected, change.qualified, change.converted) == (1, 1, 0, 0)
    assert outcome_bucket(ProspectStatus.ERASED) is ScoreOutcome.REJECTED

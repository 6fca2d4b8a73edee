"""On-demand enrichment's pure rules: the user's values kept, earlier findings carried over
(unless an edit made them stale), and how a job item ends."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from leadgen_common.contracts.events import (
    CampaignOptions,
    CompanyData,
    Enrichment,
    ProspectEnriched,
    ProspectProfile,
    ProviderCall,
)
from leadgen_enrichment.domain.findings import Finding, fold
from leadgen_enrichment.domain.on_demand import (
    DONE,
    FAILED,
    Snapshot,
    carry_over,
    outcome,
    stale,
    user_values,
)
from leadgen_enrichment.domain.waterfall import Known, next_step

AT = datetime(2026, 1, 2, tzinfo=UTC)
ACME = CompanyData(name="Acme", domain="acme.io", employees=180)
PROFILE = ProspectProfile(
    platform="linkedin",
    platform_profile_id="ada-1",
    profile_url="https://www.linkedin.com/in/ada-1",
    name="Ada Example",
)


def snapshot(contact_info=None, enrichment=None, edited=()) -> Snapshot:
    return Snapshot(
        prospect_id=uuid.uuid4(),
        profile=PROFILE,
        contact_info=contact_info or {},
        enrichment=enrichment or Enrichment(),
        edited_fields=frozenset(edited),
        campaign_id=uuid.uuid4(),
        options=CampaignOptions(auto_enrich=False),
    )


def call(status: str, provider: str = "clearbit", operation: str = "company") -> ProviderCall:
    return ProviderCall(
        provider=provider, operation=operation, status=status, cost=Decimal(0), latency_ms=1
    )


def enriched(calls=(), skipped=None) -> ProspectEnriched:
    return ProspectEnriched(
        prospect_id=uuid.uuid4(),
        campaign_id=uuid.uuid4(),
        profile=PROFILE,
        options=CampaignOptions(),
        enrichment_skipped=skipped,
        provider_calls=list(calls),
    )


def test_user_values_are_the_edited_fields_only_marked_as_the_users():
    s = snapshot(
        contact_info={"email": "ada@home.example", "email_status": "valid", "phone": "+49"},
        enrichment=Enrichment(company=ACME),
        edited=("email", "title"),
    )
    kept = user_values(s)
    assert kept == Enrichment(email="ada@home.example", provenance={"email": "user"})


def test_nothing_edited_keeps_nothing():
    s = snapshot(contact_info={"email": "found@acme.io"}, enrichment=Enrichment(company=ACME))
    assert user_values(s) == Enrichment()


def test_stale_adds_what_describes_an_edited_field():
    assert stale(["email"]) == {"email", "email_status"}
    assert stale(["title"]) == {"title"}


def test_carry_over_fills_what_was_not_found_again_with_its_old_provenance():
    previous = Enrichment(
        company=ACME,
        email="ada@acme.io",
        email_status="valid",
        provenance={"company": "clearbit", "email": "apollo", "email_status": "apollo"},
        provenance_at={"company": AT, "email": AT, "email_status": AT},
    )
    now = datetime(2026, 2, 1, tzinfo=UTC)
    found = Enrichment(
        email="ada.example@acme.io",
        email_status="accept_all",
        provenance={"email": "hunter", "email_status": "hunter"},
        provenance_at={"email": now, "email_status": now},
    )
    whole = carry_over(found, previous, edited=())
    assert whole.company == ACME
    assert (whole.email, whole.email_status) == ("ada.example@acme.io", "accept_all")
    assert whole.provenance == {"company": "clearbit", "email": "hunter", "email_status": "hunter"}
    assert whole.provenance_at == {"company": AT, "email": now, "email_status": now}


def test_carry_over_never_brings_back_a_status_of_an_address_the_user_replaced():
    previous = Enrichment(
        email="found@acme.io",
        email_status="invalid",
        provenance={"email": "hunter", "email_status": "hunter"},
    )
    found = Enrichment(email="ada@home.example", provenance={"email": "user"})
    whole = carry_over(found, previous, edited=("email",))
    assert (whole.email, whole.email_status) == ("ada@home.example", None)
    assert whole.provenance == {"email": "user"}


def test_an_item_with_an_answer_is_done():
    assert outcome(enriched([call("failed"), call("success", "apollo", "people_match")])) == (
        DONE,
        None,
    )
    assert outcome(enriched([call("cached")])) == (DONE, None)
    assert outcome(enriched([])) == (DONE, None)  # everything was known already


def test_an_item_whose_every_call_failed_names_the_calls():
    status, error = outcome(
        enriched([call("failed"), call("rate_limited", "hunter", "email_finder")])
    )
    assert status == FAILED
    assert error == ("provider_error (clearbit company: failed, hunter email_finder: rate_limited)")


def test_a_skipped_item_failed_for_the_skip_reason():
    assert outcome(enriched(skipped="campaign_cancelled")) == (FAILED, "campaign_cancelled")
    assert outcome(enriched([call("success")], skipped="budget")) == (FAILED, "budget")


def test_a_kept_email_is_verified_before_anyone_searches_the_person_again():
    kept = Enrichment(email="ada@home.example", provenance={"email": "user"})
    known = Known.of(PROFILE, kept)
    required = ("email", "email_status")
    step = next_step(["apollo", "hunter"], required, kept, known, tried=set())
    assert step.key == "hunter:email_verifier"
    after = next_step(["apollo", "hunter"], required, kept, known, tried={step.key})
    assert after.key == "apollo:people_match"


def test_a_status_found_with_another_address_does_not_describe_the_kept_one():
    kept = Enrichment(email="Ada@Home.example", provenance={"email": "user"})
    other = Finding("apollo", AT, email="ada@acme.io", email_status="valid")
    same = Finding("hunter", AT, email="ada@home.example", email_status="accept_all")
    assert fold([other], keep=kept).email_status is None
    assert fold([other, same], keep=kept).email_status == "accept_all"
    verified = Finding("hunter", AT, email_status="invalid")  # a verifier names no address
    assert fold([verified], keep=kept).email_status == "invalid"

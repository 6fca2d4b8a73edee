"""Contracts: the ICP model, envelopes of every topic, deterministic ids, AsyncAPI drift."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from leadgen_common import asyncapi
from leadgen_common.contracts import (
    TOPICS,
    Icp,
    IcpDefinition,
    PoisonMessage,
    decode,
    encode,
    envelope_for,
    lead_id_for,
    message_key,
    prospect_id_for,
    team_id_for,
)
from leadgen_common.contracts import events as ev
from leadgen_common.samples import sample_icp_path
from pydantic import BaseModel, ValidationError

SAMPLE_ICP = sample_icp_path()
TEAM = team_id_for("acme")
CAMPAIGN = uuid.UUID("00000000-0000-4000-8000-000000000001")
PROSPECT = prospect_id_for(TEAM, "linkedin", "li-1")


def sample_icp() -> Icp:
    return Icp.model_validate_json(SAMPLE_ICP.read_text())


def test_sample_icp_validates_with_every_section():
    icp = sample_icp()
    assert icp.demographics.job_titles[0] == "CTO"
    assert icp.demographics.locations == ["United States", "United Kingdom", "Canada"]
    assert icp.firmographics.company_size == ["51-200", "201-500", "501-1000"]
    assert "Security compliance" in icp.psychographics.pain_points
    assert icp.behaviors.decision_process.startswith("Collaborative")


@pytest.mark.parametrize(
    "body",
    [
        {"name": "only a name"},
        {"name": "titles only", "demographics": {"jobTitles": ["CTO"]}},
        {
            "name": "empty sections",
            "demographics": {},
            "firmographics": {},
            "psychographics": {},
            "behaviors": {},
        },
        {"name": "list location", "demographics": {"location": ["Canada", "France"]}},
        {"name": "open age", "demographics": {"ageRange": "55+"}},
        {"name": "no goals", "psychographics": {"painPoints": ["tech debt"]}},
    ],
)
def test_partly_empty_icps_validate(body):
    icp = IcpDefinition.model_validate(body)
    assert icp.name


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, ("name",)),
        ({"name": ""}, ("name",)),
        ({"name": "x", "demographics": {"ageRange": "abc"}}, ("demographics", "ageRange")),
        ({"name": "x", "demographics": {"ageRange": "60-30"}}, ("demographics", "ageRange")),
        ({"name": "x", "demographics": {"jobTitles": "CTO"}}, ("demographics", "jobTitles")),
        ({"name": "x", "demographics": {"jobTitles": [""]}}, ("demographics", "jobTitles", 0)),
        ({"name": "x", "demographics": {"jobTitle": ["CTO"]}}, ("demographics", "jobTitle")),
        ({"name": "x", "firmographics": {"industry": [1]}}, ("firmographics", "industry", 0)),
        ({"name": "x", "psychographics": []}, ("psychographics",)),
        (
            {"name": "x", "behaviors": {"buyingTriggers": ["a"] * 101}},
            ("behaviors", "buyingTriggers"),
        ),
    ],
)
def test_bad_icps_name_the_field(body, field):
    with pytest.raises(ValidationError) as err:
        IcpDefinition.model_validate(body)
    assert field in [tuple(e["loc"]) for e in err.value.errors()]


def test_icp_serialises_camel_for_http_and_snake_for_events():
    icp = sample_icp()
    assert "jobTitles" in icp.model_dump(by_alias=True)["demographics"]
    assert "job_titles" in icp.model_dump()["demographics"]
    assert Icp.model_validate(icp.model_dump()) == icp


def _profile() -> ev.ProspectProfile:
    return ev.ProspectProfile(
        platform="linkedin",
        platform_profile_id="li-1",
        profile_url="https://example/in/1",
        name="Jane Roe",
        title="CTO",
        company_name="Acme",
        company_domain="acme.io",
    )


def _breakdown() -> ev.ScoreBreakdown:
    dim = ev.DimensionScore(score=0.8, reasons=["title matches"])
    return ev.ScoreBreakdown(demographics=dim, firmographics=dim, psychographics=dim, activity=dim)


OPTIONS = ev.CampaignOptions(max_prospects=10)
NOW = datetime(2026, 1, 1, tzinfo=UTC)

PAYLOADS: dict[str, BaseModel] = {
    "campaign.started": ev.CampaignStarted(
        campaign_id=CAMPAIGN,
        name="Q4",
        icp_id=uuid.uuid4(),
        icp=sample_icp(),
        platforms=["linkedin"],
        requested_by="u1",
    ),
    "campaign.control": ev.ControlCampaign(campaign_id=CAMPAIGN, action="pause", requested_by="u"),
    "campaign.discovery_finished": ev.DiscoveryFinished(
        campaign_id=CAMPAIGN,
        total_discovered=1,
        reason="exhausted",
        platforms={"linkedin": ev.PlatformDiscovery(discovered=1)},
    ),
    "prospect.discovered": ev.ProspectDiscovered(
        prospect_id=PROSPECT, campaign_id=CAMPAIGN, rank=0, profile=_profile(), options=OPTIONS
    ),
    "prospect.enriched": ev.ProspectEnriched(
        prospect_id=PROSPECT,
        campaign_id=CAMPAIGN,
        profile=_profile(),
        options=OPTIONS,
        provider_calls=[
            ev.ProviderCall(
                provider="clearbit",
                operation="company",
                status="success",
                cost=Decimal("0.10"),
                latency_ms=3,
            )
        ],
    ),
    "prospect.scored": ev.ProspectScored(
        prospect_id=PROSPECT,
        campaign_id=CAMPAIGN,
        icp_match_score=0.8,
        quality_score=0.5,
        breakdown=_breakdown(),
        outcome="qualified",
        profile=_profile(),
        options=OPTIONS,
    ),
    "prospect.reviewed": ev.ProspectReviewed(
        prospect_id=PROSPECT, campaign_id=CAMPAIGN, decision="convert", reviewed_by="u"
    ),
    "enrichment.requested": ev.RequestEnrichment(job_id=uuid.uuid4(), prospect_id=PROSPECT),
    "audience.lookalike_requested": ev.RequestLookalike(
        icp_id=uuid.uuid4(), platforms=["facebook"], requested_by="u"
    ),
    "prospect.update": ev.UpdateProspect(prospect_id=PROSPECT, requested_by="u", assignee="bob"),
    "suppression.add": ev.AddSuppression(kind="domain", value="acme.io", requested_by="u"),
    "prospect.erase": ev.EraseProspect(prospect_id=PROSPECT, requested_by="u"),
    "prospect.erased": ev.ProspectErased(prospect_id=PROSPECT, erased_at=NOW),
    "lead.created": ev.LeadCreated(
        lead_id=lead_id_for(PROSPECT),
        prospect_id=PROSPECT,
        campaign_id=CAMPAIGN,
        source="auto",
        platform="linkedin",
        profile_url="https://example/in/1",
        name="Jane Roe",
        icp_match_score=0.8,
        quality_score=0.5,
        breakdown=_breakdown(),
        created_at=NOW,
    ),
}


def test_every_topic_has_an_example_here():
    assert set(PAYLOADS) == set(TOPICS)


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_envelopes_round_trip(topic):
    envelope = envelope_for(PAYLOADS[topic], team_id=TEAM, correlation_id="corr-1")
    assert envelope.event_type == topic
    decoded = decode(topic, encode(envelope))
    assert decoded == envelope
    assert isinstance(decoded.payload, TOPICS[topic].payload)
    assert message_key(envelope)


def _models() -> set[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = [t.payload for t in TOPICS.values()]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for field in model.model_fields.values():
            for arg in _walk(field.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    todo.append(arg)
    return seen


def _walk(annotation):
    yield annotation
    for arg in getattr(annotation, "__args__", ()):
        yield from _walk(arg)


def test_every_field_of_every_contract_is_described():
    missing = [
        f"{model.__name__}.{name}"
        for model in _models()
        for name, field in model.model_fields.items()
        if not field.description
        and not (
            isinstance(field.annotation, type)
            and issubclass(field.annotation, BaseModel)
            and field.annotation.__doc__
        )
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda raw: b"{not json", "not_json"),
        (lambda raw: b"[1, 2]", "not_an_envelope"),
        (
            lambda raw: raw.replace(b'"schema_version":1', b'"schema_version":99'),
            "unknown_schema_version",
        ),
        (lambda raw: raw.replace(b'"action":"pause"', b'"action":"explode"'), "contract_violation"),
        (
            lambda raw: raw.replace(
                b'"event_type":"campaign.control"', b'"event_type":"lead.created"'
            ),
            "wrong_event_type",
        ),
    ],
)
def test_malformed_messages_are_poison_with_a_reason(mutate, reason):
    raw = encode(envelope_for(PAYLOADS["campaign.control"], team_id=TEAM, correlation_id="c"))
    with pytest.raises(PoisonMessage) as err:
        decode("campaign.control", mutate(raw))
    assert err.value.reason == reason


def test_prospect_and_lead_ids_are_deterministic_per_team_platform_profile():
    assert prospect_id_for(TEAM, "linkedin", "li-1") == PROSPECT
    assert prospect_id_for(TEAM, "twitter", "li-1") != PROSPECT
    assert prospect_id_for(team_id_for("other"), "linkedin", "li-1") != PROSPECT
    assert lead_id_for(PROSPECT) == lead_id_for(prospect_id_for(TEAM, "linkedin", "li-1"))
    assert team_id_for("Acme ") == TEAM


def test_committed_asyncapi_matches_the_code():
    committed = asyncapi.DOCUMENT.read_text()
    assert json.loads(committed) == json.loads(asyncapi.render()), (
        "docs/asyncapi.json is stale: run `uv run python -m leadgen_common.asyncapi`"
    )
    assert set(json.loads(committed)["channels"]) == set(TOPICS)

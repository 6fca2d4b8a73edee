"""Lookalike audiences: audience.lookalike_requested through FastStream's in-memory broker,
the LinkedIn and Facebook builders against the real sandbox app in process (seeded with
hashed work emails of its own population), the audiences rows in memory."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from faststream.kafka import TestKafkaBroker
from leadgen_common.contracts import Platform, envelope_for
from leadgen_common.contracts.events import RequestLookalike
from leadgen_common.kafka import EventBus
from leadgen_devstack.sandbox.emails import Emails
from leadgen_discovery import handlers
from leadgen_discovery.adapters.oauth import ClientCredentials
from leadgen_discovery.campaigns import Campaigns
from leadgen_discovery.domain.seeds import hashed_email, hashed_seed
from leadgen_discovery.lookalike.facebook import FacebookAudiences
from leadgen_discovery.lookalike.linkedin import LinkedInAudiences
from leadgen_discovery.lookalike.requests import NO_SEED, LookalikeRequests, audience_id_for
from leadgen_discovery.settings import DiscoverySettings
from pydantic import SecretStr

pytestmark = pytest.mark.timeout(60)
TEAM = uuid.UUID("5f0b0c1e-0000-5000-8000-00000000a0d1")
ICP = uuid.UUID("5f0b0c1e-0000-5000-8000-0000000001c9")


def seed_hashes(population, count: int) -> list[str]:
    """Work emails of the first ``count`` people, written the way CRMs mangle them."""
    emails = Emails(population)
    return hashed_seed(f"  {emails.work_email(i).upper()} " for i in range(count))


@pytest.fixture
def builders(sandbox, make_api, fake_time):
    http = sandbox()
    linkedin_api = make_api(Platform.LINKEDIN, http)
    credentials = ClientCredentials(
        linkedin_api,
        token_url="http://sandbox/linkedin/oauth/v2/accessToken",
        client_id=SecretStr("sandbox-client"),
        client_secret=SecretStr("sandbox-secret"),
        refresh_margin_s=60,
        clock=fake_time.clock,
    )
    return {
        Platform.LINKEDIN: LinkedInAudiences(
            linkedin_api,
            base_url="http://sandbox/linkedin",
            credentials=credentials,
            account="urn:li:sponsoredAccount:1",
            locations=[],
            ratio=0.01,
        ),
        Platform.FACEBOOK: FacebookAudiences(
            make_api(Platform.FACEBOOK, http),
            base_url="http://sandbox/facebook",
            api_version="v19.0",
            access_token=SecretStr("sandbox-key"),
            account="act_1",
            country="US",
            ratio=0.01,
        ),
    }


def command(**overrides) -> RequestLookalike:
    values = {
        "icp_id": ICP,
        "platforms": [Platform.LINKEDIN, Platform.FACEBOOK],
        "requested_by": "alice",
        "request_id": uuid.uuid4(),
        "min_score": 0.8,
        "limit": 400,
    }
    return RequestLookalike(**{**values, **overrides})


async def deliver(requests: LookalikeRequests, payload: RequestLookalike, times: int = 1):
    bus = EventBus(DiscoverySettings(handler_retry_backoff_s=0.01))
    handlers.register(bus, Campaigns(None, {}, lambda *_: None), requests)  # type: ignore[arg-type]
    envelope = envelope_for(payload, team_id=TEAM, correlation_id="corr-l")
    async with TestKafkaBroker(bus.broker):
        for _ in range(times):
            await bus.publish(envelope)


def test_emails_are_normalised_before_hashing():
    expected = hashlib.sha256(b"ada.lovelace@example.com").hexdigest()
    assert hashed_email("  Ada.Lovelace@Example.COM\n") == expected
    assert hashed_email("not an email") is None
    assert hashed_email(None) is None
    seed = hashed_seed(["a@x.io", "A@X.IO ", None, "b@x.io"])
    assert seed == [hashed_email("a@x.io"), hashed_email("b@x.io")]


async def test_builds_both_lookalikes_and_records_their_size(
    population, builders, memory_seeds, memory_audiences
):
    seeds = memory_seeds(seed_hashes(population, 300))
    requests = LookalikeRequests(seeds, builders, memory_audiences)
    payload = command()
    await deliver(requests, payload)

    assert seeds.asked == [(TEAM, ICP, 0.8, 400)]
    linkedin = memory_audiences.rows[audience_id_for(payload.request_id, Platform.LINKEDIN)]
    facebook = memory_audiences.rows[audience_id_for(payload.request_id, Platform.FACEBOOK)]
    for row in (linkedin, facebook):
        assert row["status"] == "ready", row["definition"].get("failure_reason")
        assert (row["team_id"], row["icp_id"]) == (TEAM, ICP)
        definition = row["definition"]
        assert definition["request_id"] == str(payload.request_id)
        assert definition["seed_size"] == 300
        assert definition["failure_reason"] is None
        assert definition["lookalike_id"] and definition["seed_audience_id"]
        assert definition["lookalike_id"] != definition["seed_audience_id"]
        assert 0 < definition["size_lower"] <= definition["size_upper"] == row["size"]
    assert linkedin["definition"]["size_lower"] == linkedin["definition"]["size_upper"]
    # No raw address is stored: only counts, ids and sizes.
    assert "@" not in str(memory_audiences.rows)


async def test_redelivery_builds_nothing_twice(
    population, builders, memory_seeds, memory_audiences
):
    seeds = memory_seeds(seed_hashes(population, 150))
    requests = LookalikeRequests(seeds, builders, memory_audiences)
    payload = command(platforms=[Platform.FACEBOOK])
    await deliver(requests, payload, times=2)

    assert memory_audiences.saves == 1
    assert len(seeds.asked) == 1
    [row] = memory_audiences.rows.values()
    assert row["status"] == "ready"


async def test_a_seed_under_100_matched_people_fails_with_the_providers_reason(
    population, builders, memory_seeds, memory_audiences
):
    requests = LookalikeRequests(
        memory_seeds(seed_hashes(population, 40)), builders, memory_audiences
    )
    payload = command()
    await deliver(requests, payload)

    linkedin = memory_audiences.rows[audience_id_for(payload.request_id, Platform.LINKEDIN)]
    facebook = memory_audiences.rows[audience_id_for(payload.request_id, Platform.FACEBOOK)]
    for row in (linkedin, facebook):
        assert row["status"] == "failed"
        assert row["size"] is None
        assert row["definition"]["seed_size"] == 40
    assert "40 matched people" in linkedin["definition"]["failure_reason"]
    assert linkedin["definition"]["failure_reason"].startswith("linkedin:")
    assert "Source audience is too small" in facebook["definition"]["failure_reason"]


async def test_hashes_unknown_to_the_platform_do_not_count(
    builders, memory_seeds, memory_audiences
):
    strangers = hashed_seed(f"nobody{i}@nowhere.invalid" for i in range(150))
    requests = LookalikeRequests(memory_seeds(strangers), builders, memory_audiences)
    payload = command(platforms=[Platform.LINKEDIN])
    await deliver(requests, payload)
    [row] = memory_audiences.rows.values()
    assert row["status"] == "failed"
    assert "0 matched people" in row["definition"]["failure_reason"]


class Unreachable:
    platform = Platform.LINKEDIN

    async def build(self, name, hashes):
        raise AssertionError("no platform call without a seed")


async def test_no_seed_and_x_fail_without_calling_anyone(memory_seeds, memory_audiences):
    builders = {Platform.LINKEDIN: Unreachable()}
    requests = LookalikeRequests(memory_seeds([]), builders, memory_audiences)
    payload = command(platforms=[Platform.TWITTER, Platform.LINKEDIN])
    await deliver(requests, payload)
    twitter = memory_audiences.rows[audience_id_for(payload.request_id, Platform.TWITTER)]
    linkedin = memory_audiences.rows[audience_id_for(payload.request_id, Platform.LINKEDIN)]
    assert twitter["status"] == linkedin["status"] == "failed"
    assert twitter["definition"]["failure_reason"] == "twitter offers no lookalike audiences"
    assert linkedin["definition"]["failure_reason"] == NO_SEED

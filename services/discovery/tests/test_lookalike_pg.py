"""The lookalike's Postgres edges on a real migrated database: the seed (best leads of the
ICP's campaigns, email from the lead or its prospect, suppressed and erased people left
out) read as the discovery role, and the audiences upsert keyed by (request, platform)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from leadgen_common.contracts import Platform
from leadgen_common.db.engine import make_engine
from leadgen_common.db.schema import campaigns, icps, leads, prospects, suppressions
from leadgen_common.suppression import entry
from leadgen_common.testing.pii import TEST_CIPHER
from leadgen_discovery.domain.seeds import hashed_email
from leadgen_discovery.lookalike.requests import audience_id_for
from leadgen_discovery.lookalike.sql import SqlAudienceStore, SqlSeedSource
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.timeout(60)
TEAM, OTHER = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
async def engines(database) -> AsyncIterator[dict[str, AsyncEngine]]:
    made = {role: make_engine(database[role]) for role in ("admin", "discovery")}
    yield made
    for engine in made.values():
        await engine.dispose()


async def add_icp_campaign(conn, team: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    icp_id, campaign_id = uuid.uuid4(), uuid.uuid4()
    await conn.execute(icps.insert().values(id=icp_id, team_id=team, name="i", definition={}))
    await conn.execute(
        campaigns.insert().values(
            id=campaign_id, team_id=team, icp_id=icp_id, name="c", platforms=["linkedin"],
            created_by="alice",
        )
    )  # fmt: skip
    return icp_id, campaign_id


def sealed(team, prospect_id, email):
    """contact_info as lead-writer stores it: the email encrypted for this person."""
    if not email:
        return {}
    where = {"team_id": team, "prospect_id": prospect_id, "field": "email"}
    return {"email": TEST_CIPHER.encrypt(email, **where), "email_status": "valid"}


async def add_lead(conn, team, campaign_id, score, lead_email=None, prospect_email=None, **p):
    prospect_id = uuid.uuid4()
    contact = sealed(team, prospect_id, prospect_email)
    await conn.execute(
        prospects.insert().values(
            id=prospect_id, team_id=team, platform="linkedin",
            platform_profile_id=str(prospect_id), contact_info=contact, **p,
        )
    )  # fmt: skip
    await conn.execute(
        leads.insert().values(
            id=uuid.uuid4(), team_id=team, prospect_id=prospect_id, campaign_id=campaign_id,
            source="linkedin", icp_match_score=score,
            contact_info=sealed(team, prospect_id, lead_email),
        )
    )  # fmt: skip


async def test_seed_is_the_icps_best_leads_hashed(engines):
    async with engines["admin"].begin() as conn:
        icp_id, campaign = await add_icp_campaign(conn, TEAM)
        _, other_campaign = await add_icp_campaign(conn, TEAM)
        await add_lead(conn, TEAM, campaign, 0.95, lead_email=" Best@Acme.io ")
        await add_lead(conn, TEAM, campaign, 0.90, prospect_email="second@acme.io")
        await add_lead(conn, TEAM, campaign, 0.85, lead_email="third@acme.io")
        await add_lead(
            conn, TEAM, campaign, 0.99, lead_email="gone@acme.io", erased_at=text("now()")
        )
        await add_lead(conn, TEAM, campaign, 0.98, lead_email="optout@acme.io")
        await add_lead(conn, TEAM, campaign, 0.97, lead_email="x@blocked.io")
        await add_lead(conn, TEAM, campaign, 0.50, lead_email="weak@acme.io")
        await add_lead(conn, TEAM, campaign, 0.96)  # no email anywhere
        await add_lead(conn, TEAM, other_campaign, 0.99, lead_email="other-icp@acme.io")
        await conn.execute(
            suppressions.insert(),
            [
                {
                    "team_id": TEAM,
                    "kind": "email",
                    "value": entry("email", "optout@acme.io").digest,
                },
                {"team_id": TEAM, "kind": "domain", "value": entry("domain", "blocked.io").digest},
            ],
        )
    seeds = SqlSeedSource(engines["discovery"], TEST_CIPHER)

    best = await seeds.best_lead_hashes(TEAM, icp_id, min_score=0.8, limit=10)
    assert best == [hashed_email(e) for e in ("best@acme.io", "second@acme.io", "third@acme.io")]
    assert await seeds.best_lead_hashes(TEAM, icp_id, min_score=0.8, limit=2) == best[:2]
    assert await seeds.best_lead_hashes(OTHER, icp_id, min_score=0.0, limit=10) == []


async def test_audience_rows_upsert_by_request_and_platform(engines):
    async with engines["admin"].begin() as conn:
        icp_id, _ = await add_icp_campaign(conn, TEAM)
    store = SqlAudienceStore(engines["discovery"])
    row_id = audience_id_for(uuid.uuid4(), Platform.FACEBOOK)
    assert not await store.finished(row_id)
    row = {
        "id": row_id, "team_id": TEAM, "icp_id": icp_id, "platform": "facebook",
        "status": "failed", "size": None, "definition": {"failure_reason": "boom"},
    }  # fmt: skip
    await store.save(row)
    await store.save({**row, "status": "ready", "size": 42, "definition": {"size_upper": 42}})
    assert await store.finished(row_id)
    async with engines["admin"].connect() as conn:
        stored = (await conn.execute(text("SELECT * FROM audiences"))).mappings().all()
    assert [(r["status"], r["size"], r["definition"]) for r in stored] == [
        ("ready", 42, {"size_upper": 42})
    ]

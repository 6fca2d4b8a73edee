"""Cancelled campaigns as every replica sees them: read through the enrichment role from a
real Postgres migrated to head (lead-writer's and the gateway's rows written as admin)."""

from __future__ import annotations

import uuid

import pytest
from leadgen_common.db.engine import make_engine
from leadgen_enrichment.adapters.campaign_state import CampaignCancellations
from sqlalchemy import text
from sqlalchemy.pool import NullPool


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def admin(migrated_db):
    engine = make_engine(migrated_db["admin"], poolclass=NullPool)
    yield engine
    await engine.dispose()


@pytest.fixture
async def reader(migrated_db):
    """An engine on the enrichment service's own role, as the service connects."""
    engine = make_engine(migrated_db["enrichment"], poolclass=NullPool)
    yield engine
    await engine.dispose()


async def set_progress(admin, campaign_id: uuid.UUID, status: str) -> None:
    async with admin.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO campaign_progress (campaign_id, team_id, status) "
                "VALUES (:c, gen_random_uuid(), :s) "
                "ON CONFLICT (campaign_id) DO UPDATE SET status = excluded.status"
            ),
            {"c": campaign_id, "s": status},
        )


async def add_requested(admin, campaign_id: uuid.UUID, status: str) -> None:
    async with admin.begin() as conn:
        icp_id = (
            await conn.execute(
                text(
                    "INSERT INTO icps (team_id, name, definition) "
                    "VALUES (gen_random_uuid(), 'icp', '{}') RETURNING id"
                )
            )
        ).scalar_one()
        await conn.execute(
            text(
                "INSERT INTO campaigns (id, team_id, icp_id, name, platforms, "
                "requested_status, created_by) VALUES (:c, gen_random_uuid(), :i, 'c', "
                "ARRAY['linkedin'], :s, 'u')"
            ),
            {"c": campaign_id, "i": icp_id, "s": status},
        )


async def test_unknown_campaign_is_not_cancelled(reader):
    assert await CampaignCancellations(reader, ttl_s=1).is_cancelled(uuid.uuid4()) is False


async def test_lead_writers_status_says_cancelled(admin, reader):
    campaign_id = uuid.uuid4()
    await set_progress(admin, campaign_id, "cancelled")
    assert await CampaignCancellations(reader, ttl_s=1).is_cancelled(campaign_id) is True


async def test_gateways_requested_status_counts_before_lead_writer_saw_it(admin, reader):
    campaign_id = uuid.uuid4()
    await add_requested(admin, campaign_id, "cancelled")
    assert await CampaignCancellations(reader, ttl_s=1).is_cancelled(campaign_id) is True


async def test_running_answer_is_cached_for_the_ttl_then_reread(admin, reader):
    campaign_id, clock = uuid.uuid4(), Clock()
    state = CampaignCancellations(reader, ttl_s=2, clock=clock)
    await set_progress(admin, campaign_id, "running")
    assert await state.is_cancelled(campaign_id) is False
    await set_progress(admin, campaign_id, "cancelled")
    clock.now = 1.9
    assert await state.is_cancelled(campaign_id) is False  # still the cached answer
    clock.now = 2.1
    assert await state.is_cancelled(campaign_id) is True


async def test_cancelled_is_final_and_needs_no_further_reads(admin, reader):
    campaign_id = uuid.uuid4()
    state = CampaignCancellations(reader, ttl_s=0)
    await set_progress(admin, campaign_id, "cancelled")
    assert await state.is_cancelled(campaign_id) is True
    await reader.dispose()
    state.engine = make_engine("postgresql://nobody@127.0.0.1:1/none", poolclass=NullPool)
    assert await state.is_cancelled(campaign_id) is True


async def test_a_remembered_cancel_answers_without_the_database(reader):
    campaign_id = uuid.uuid4()
    state = CampaignCancellations(reader, ttl_s=5)
    assert await state.is_cancelled(campaign_id) is False
    state.remember_cancelled(campaign_id)
    assert await state.is_cancelled(campaign_id) is True


async def test_unreachable_database_fails_open():
    engine = make_engine(
        "postgresql://nobody@127.0.0.1:1/none", poolclass=NullPool, connect_args={"timeout": 2}
    )
    try:
        assert await CampaignCancellations(engine, ttl_s=1).is_cancelled(uuid.uuid4()) is False
    finally:
        await engine.dispose()

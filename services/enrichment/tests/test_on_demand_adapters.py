"""The on-demand job store and prospect reader on a real Postgres migrated to head, as the
enrichment role (lead-writer's and the gateway's rows seeded as the owner)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from leadgen_common.contracts import PoisonMessage, team_id_for
from leadgen_common.contracts.events import CompanyData
from leadgen_common.db.schema import enrichment_job_items, enrichment_jobs
from leadgen_common.testing.pii import TEST_CIPHER
from leadgen_enrichment.adapters.jobs import JobStore
from leadgen_enrichment.adapters.prospect_source import ProspectSource
from leadgen_enrichment.domain.on_demand import Unavailable
from sqlalchemy import select


@pytest.fixture
def team() -> uuid.UUID:
    return team_id_for(f"on-demand-{uuid.uuid4().hex[:8]}")


async def job_row(engine, job_id):
    async with engine.connect() as conn:
        query = select(enrichment_jobs).where(enrichment_jobs.c.id == job_id)
        return (await conn.execute(query)).mappings().one()


async def item_rows(engine, job_id):
    async with engine.connect() as conn:
        query = (
            select(enrichment_job_items)
            .where(enrichment_job_items.c.job_id == job_id)
            .order_by(enrichment_job_items.c.prospect_id)
        )
        return list((await conn.execute(query)).mappings())


# ------------------------------------------------------------------------ JobStore
async def test_first_item_opens_the_job_running_with_its_total(service_engine, team):
    jobs, job_id, pid = JobStore(service_engine), uuid.uuid4(), uuid.uuid4()
    assert await jobs.open_item(job_id, team, pid, total=3) == "pending"
    job = await job_row(service_engine, job_id)
    assert (job["team_id"], job["total"], job["status"]) == (team, 3, "running")
    assert (job["done"], job["failed"], job["prospect_ids"]) == (0, 0, [pid])
    [item] = await item_rows(service_engine, job_id)
    assert (item["prospect_id"], item["team_id"], item["status"]) == (pid, team, "pending")


async def test_a_redelivered_command_counts_nothing_twice(service_engine, team):
    jobs, job_id, pid = JobStore(service_engine), uuid.uuid4(), uuid.uuid4()
    await jobs.open_item(job_id, team, pid, total=2)
    assert await jobs.open_item(job_id, team, pid, total=2) == "pending"
    assert (await job_row(service_engine, job_id))["prospect_ids"] == [pid]
    assert await jobs.finish_item(job_id, pid, "done", None) is True
    assert await jobs.open_item(job_id, team, pid, total=2) == "done"
    assert await jobs.finish_item(job_id, pid, "failed", "again") is False
    job = await job_row(service_engine, job_id)
    assert (job["done"], job["failed"], job["status"]) == (1, 0, "running")
    [item] = await item_rows(service_engine, job_id)
    assert (item["status"], item["error"]) == ("done", None)


async def test_the_job_completes_when_done_and_failed_reach_the_total(service_engine, team):
    jobs, job_id = JobStore(service_engine), uuid.uuid4()
    first, second = uuid.uuid4(), uuid.uuid4()
    await jobs.open_item(job_id, team, first, total=2)
    await jobs.finish_item(job_id, first, "done", None)
    assert (await job_row(service_engine, job_id))["status"] == "running"
    await jobs.open_item(job_id, team, second, total=2)
    await jobs.finish_item(job_id, second, "failed", "erased")
    job = await job_row(service_engine, job_id)
    assert (job["done"], job["failed"], job["status"]) == (1, 1, "completed")
    errors = {row["prospect_id"]: row["error"] for row in await item_rows(service_engine, job_id)}
    assert errors == {first: None, second: "erased"}


async def test_items_of_one_job_finishing_at_once_are_all_counted(service_engine, team):
    jobs, job_id = JobStore(service_engine), uuid.uuid4()
    pids = [uuid.uuid4() for _ in range(8)]

    async def one(pid):
        await jobs.open_item(job_id, team, pid, total=len(pids))
        await jobs.finish_item(job_id, pid, "done", None)

    await asyncio.gather(*(one(pid) for pid in pids))
    job = await job_row(service_engine, job_id)
    assert (job["done"], job["status"]) == (8, "completed")
    assert sorted(job["prospect_ids"]) == sorted(pids)


async def test_a_job_id_of_another_team_never_applies(service_engine, team):
    jobs, job_id = JobStore(service_engine), uuid.uuid4()
    await jobs.open_item(job_id, team, uuid.uuid4(), total=2)
    with pytest.raises(PoisonMessage, match="another team"):
        await jobs.open_item(job_id, team_id_for("someone-else"), uuid.uuid4(), total=2)
    assert len(await item_rows(service_engine, job_id)) == 1


async def test_finishing_as_anything_but_done_or_failed_is_refused(service_engine, team):
    with pytest.raises(ValueError, match="done or failed"):
        await JobStore(service_engine).finish_item(uuid.uuid4(), uuid.uuid4(), "pending", None)


# ------------------------------------------------------------------- ProspectSource
async def test_loads_profile_contact_enrichment_and_edits(service_engine, seed, team):
    campaign_id = await seed.campaign(team, auto_enrich=False, max_prospects=20)
    acme = CompanyData(name="Acme", domain="acme.io").model_dump(mode="json")
    pid = await seed.prospect(
        team,
        campaign_id,
        "ada-1",
        headline="Builds teams",
        title="CTO",
        profile_data={
            "industry": "Software",
            "summary": "Hands-on",
            "skills": ["go"],
            "activity": {"last_active_days": 3},
            "headline": "Builds teams",
        },
        contact_info={"email": "ada@home.example"},
        enrichment_data={"company": acme, "provenance": {"company": "clearbit"}},
        edited_fields=["email", "title"],
    )
    snapshot = await ProspectSource(service_engine, TEST_CIPHER).load(team, pid)
    assert snapshot.prospect_id == pid
    profile = snapshot.profile
    assert (profile.platform, profile.platform_profile_id) == ("linkedin", "ada-1")
    assert (profile.name, profile.title, profile.company_domain) == (
        "Ada Example",
        "CTO",
        "acme.io",
    )
    assert (profile.headline, profile.industry, profile.summary) == (
        "Builds teams",
        "Software",
        "Hands-on",
    )
    assert (profile.skills, profile.activity) == (["go"], {"last_active_days": 3})
    assert snapshot.contact_info == {"email": "ada@home.example"}
    assert snapshot.enrichment.company.domain == "acme.io"
    assert snapshot.enrichment.provenance == {"company": "clearbit"}
    assert snapshot.edited_fields == {"email", "title"}
    assert snapshot.campaign_id == campaign_id
    assert (snapshot.options.auto_enrich, snapshot.options.max_prospects) == (False, 20)


async def test_the_latest_campaign_and_its_options_are_used(service_engine, seed, team):
    old = await seed.campaign(team, auto_convert=False)
    new = await seed.campaign(team, auto_convert=True, min_match_score=0.9)
    earlier = datetime.now(UTC) - timedelta(days=1)
    pid = await seed.prospect(team, old, "ada-2", discovered_at=earlier)
    await seed.prospect(team, new, "ada-2")
    snapshot = await ProspectSource(service_engine, TEST_CIPHER).load(team, pid)
    assert snapshot.campaign_id == new
    assert (snapshot.options.auto_convert, snapshot.options.min_match_score) == (True, 0.9)


async def test_unreadable_stored_enrichment_starts_from_nothing(service_engine, seed, team):
    campaign_id = await seed.campaign(team)
    pid = await seed.prospect(team, campaign_id, "ada-3", enrichment_data={"surprise": 1})
    snapshot = await ProspectSource(service_engine, TEST_CIPHER).load(team, pid)
    assert snapshot.enrichment.company is None and snapshot.enrichment.email is None


async def test_unknown_and_other_teams_prospects_are_unknown(service_engine, seed, team):
    source = ProspectSource(service_engine, TEST_CIPHER)
    with pytest.raises(Unavailable) as unknown:
        await source.load(team, uuid.uuid4())
    assert unknown.value.reason == "unknown_prospect"
    other = team_id_for(f"other-{uuid.uuid4().hex[:8]}")
    pid = await seed.prospect(other, await seed.campaign(other), "bob-1")
    with pytest.raises(Unavailable) as theirs:
        await source.load(team, pid)
    assert theirs.value.reason == "unknown_prospect"
    assert (await source.load(other, pid)).prospect_id == pid


async def test_an_erased_prospect_is_unavailable_as_erased(service_engine, seed, team):
    pid = await seed.prospect(
        team,
        await seed.campaign(team),
        "gone-1",
        name=None,
        title=None,
        erased_at=datetime.now(UTC),
    )
    with pytest.raises(Unavailable) as erased:
        await ProspectSource(service_engine, TEST_CIPHER).load(team, pid)
    assert erased.value.reason == "erased"

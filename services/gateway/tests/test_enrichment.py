"""On-demand enrichment routes: POST (single, batch) publishes one enrichment.requested per
prospect keyed by it, audits the job and answers 202 queued; unknown or other teams'
prospects are 404 (single) / 422 naming them (batch); GET reads enrichment's job rows,
or the audit entry (queued) before enrichment saw the job; another team's job is 404."""

from __future__ import annotations

import uuid

from leadgen_common.auth import Role
from leadgen_common.contracts import prospect_id_for, team_id_for
from leadgen_common.db.schema import (
    audit_log,
    campaign_prospects,
    enrichment_job_items,
    enrichment_jobs,
    prospects,
)
from leadgen_gateway.domain.enrichment_jobs import job_view, requested_ids

SINGLE = "/api/v1/enrichment/prospects"
BATCH = "/api/v1/enrichment/batch"
JOBS = "/api/v1/enrichment/jobs"


async def prospects_of(seed, team: str, count: int) -> list[uuid.UUID]:
    """``count`` prospects of ``team`` in one campaign, written in one transaction."""
    team_id, campaign_id = team_id_for(team), uuid.uuid4()
    pids = [prospect_id_for(team_id, "linkedin", f"p{i}") for i in range(count)]
    async with seed.engine.begin() as conn:
        await conn.execute(
            prospects.insert(),
            [
                {"id": pid, "team_id": team_id, "platform": "linkedin",
                 "platform_profile_id": f"p{i}", "name": f"Person {i}"}
                for i, pid in enumerate(pids)
            ],
        )  # fmt: skip
        await conn.execute(
            campaign_prospects.insert(),
            [
                {"campaign_id": campaign_id, "prospect_id": pid, "team_id": team_id,
                 "platform": "linkedin"}
                for pid in pids
            ],
        )  # fmt: skip
    return pids


async def test_single_publishes_one_command_and_audits_the_job(api, seed, team):
    [pid] = await prospects_of(seed, team, 1)
    body = {"providers": ["hunter", "clearbit"], "validateEmail": False}
    response = await api.client.post(f"{SINGLE}/{pid}", json=body, headers=api.auth(team))
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert (accepted["total"], accepted["status"]) == (1, "queued")
    job_id = accepted["jobId"]

    [event] = api.events("enrichment.requested")
    assert event["_key"] == str(pid).encode()
    assert (event["team_id"], event["correlation_id"]) == (str(team_id_for(team)), job_id)
    assert event["payload"] == {
        "job_id": job_id,
        "prospect_id": str(pid),
        "providers": ["hunter", "clearbit"],
        "validate_email": False,
        "job_total": 1,
        "requested_by": f"admin@{team}",
    }
    [entry] = await seed.rows(audit_log, resource_type="enrichment_job", resource_id=job_id)
    assert entry["action"] == "enrichment.request"
    assert entry["details"] == {
        "jobId": job_id,
        "prospectIds": [str(pid)],
        "providers": ["hunter", "clearbit"],
        "validateEmail": False,
    }


async def test_single_without_a_body_asks_the_team_waterfall_and_validates(api, seed, team):
    [pid] = await prospects_of(seed, team, 1)
    response = await api.client.post(f"{SINGLE}/{pid}", headers=api.auth(team))
    assert response.status_code == 202, response.text
    [event] = api.events("enrichment.requested")
    assert (event["payload"]["providers"], event["payload"]["validate_email"]) == ([], True)


async def test_single_unknown_or_other_teams_prospect_is_404(api, seed, team):
    theirs = (await prospects_of(seed, f"{team}-other", 1))[0]
    for pid in (uuid.uuid4(), theirs):
        response = await api.client.post(f"{SINGLE}/{pid}", json={}, headers=api.auth(team))
        assert response.status_code == 404
        assert response.json()["code"] == "prospect_not_found"
    assert api.events("enrichment.requested") == []


async def test_batch_publishes_one_command_per_prospect_of_one_job(api, seed, team):
    pids = await prospects_of(seed, team, 3)
    body = {"prospectIds": [str(p) for p in pids], "providers": ["apollo"]}
    response = await api.client.post(BATCH, json=body, headers=api.auth(team))
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert (accepted["total"], accepted["status"]) == (3, "queued")
    events = api.events("enrichment.requested")
    assert sorted(e["payload"]["prospect_id"] for e in events) == sorted(map(str, pids))
    assert {e["_key"] for e in events} == {str(p).encode() for p in pids}
    for e in events:
        assert e["payload"]["job_id"] == accepted["jobId"] == e["correlation_id"]
        assert (e["payload"]["job_total"], e["payload"]["providers"]) == (3, ["apollo"])
    [entry] = await seed.rows(audit_log, resource_id=accepted["jobId"])
    assert entry["details"]["prospectIds"] == [str(p) for p in pids]


async def test_batch_names_unknown_and_other_teams_ids_alike(api, seed, team):
    mine = await prospects_of(seed, team, 2)
    theirs = (await prospects_of(seed, f"{team}-other", 1))[0]
    unknown = uuid.uuid4()
    ids = [str(mine[0]), str(theirs), str(mine[1]), str(unknown)]
    response = await api.client.post(BATCH, json={"prospectIds": ids}, headers=api.auth(team))
    assert response.status_code == 422
    error = response.json()
    assert (error["code"], error["field"]) == ("unknown_prospects", "prospectIds")
    assert error["errors"] == [
        {"field": "prospectIds[1]", "message": f"unknown prospect {theirs}"},
        {"field": "prospectIds[3]", "message": f"unknown prospect {unknown}"},
    ]
    assert api.events("enrichment.requested") == []
    assert await seed.rows(audit_log, team_id=team_id_for(team), action="enrichment.request") == []


async def test_batch_bounds_and_bad_bodies_are_422_with_the_field(api, seed, team):
    [pid] = await prospects_of(seed, team, 1)
    too_many = [str(uuid.uuid4()) for _ in range(101)]
    cases = [
        ({"prospectIds": too_many}, "prospectIds"),
        ({"prospectIds": []}, "prospectIds"),
        ({"prospectIds": [str(pid), str(pid)]}, "prospectIds"),
        ({"prospectIds": [str(pid)], "providers": ["lusha"]}, "providers[0]"),
        ({"prospectIds": [str(pid)], "providers": ["hunter", "hunter"]}, "providers"),
        ({"prospectIds": ["not-a-uuid"]}, "prospectIds[0]"),
        ({"prospectIds": [str(pid)], "validateEmail": "maybe"}, "validateEmail"),
        ({"prospectIds": [str(pid)], "priority": 1}, "priority"),
    ]
    for body, field in cases:
        response = await api.client.post(BATCH, json=body, headers=api.auth(team))
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == field, (body, response.json())
    assert api.events("enrichment.requested") == []


async def test_a_hundred_ids_are_accepted(api, seed, team):
    pids = await prospects_of(seed, team, 100)
    body = {"prospectIds": [str(p) for p in pids]}
    response = await api.client.post(BATCH, json=body, headers=api.auth(team))
    assert response.status_code == 202, response.text
    assert response.json()["total"] == 100
    assert len(api.events("enrichment.requested")) == 100


async def test_viewers_neither_start_nor_read_jobs(api, seed, team):
    """A job names prospects of the whole team: managers read it, viewers (who see only
    what is assigned to them) do not."""
    [pid] = await prospects_of(seed, team, 1)
    viewer = api.auth(team, Role.VIEWER)
    response = await api.client.post(f"{SINGLE}/{pid}", headers=viewer)
    assert response.status_code == 403
    response = await api.client.post(BATCH, json={"prospectIds": [str(pid)]}, headers=viewer)
    assert response.status_code == 403
    job_id = (await api.client.post(f"{SINGLE}/{pid}", headers=api.auth(team))).json()["jobId"]
    assert (await api.client.get(f"{JOBS}/{job_id}", headers=viewer)).status_code == 403
    manager = api.auth(team, Role.SALES_MANAGER)
    assert (await api.client.get(f"{JOBS}/{job_id}", headers=manager)).status_code == 200
    assert (await api.client.get(f"{JOBS}/{job_id}")).status_code == 401


async def test_broker_failure_is_503_without_audit(api, seed, team, monkeypatch):
    pids = await prospects_of(seed, team, 2)

    async def refuse(envelope, headers=None):
        raise ConnectionError("broker down")

    monkeypatch.setattr(api.bus, "publish", refuse)
    body = {"prospectIds": [str(p) for p in pids]}
    response = await api.client.post(BATCH, json=body, headers=api.auth(team))
    assert response.status_code == 503
    assert response.json()["code"] == "broker_unavailable"
    assert await seed.rows(audit_log, team_id=team_id_for(team), action="enrichment.request") == []


async def test_job_is_queued_until_enrichment_has_seen_it(api, seed, team):
    pids = await prospects_of(seed, team, 2)
    body = {"prospectIds": [str(p) for p in pids]}
    job_id = (await api.client.post(BATCH, json=body, headers=api.auth(team))).json()["jobId"]
    response = await api.client.get(f"{JOBS}/{job_id}", headers=api.auth(team))
    assert response.status_code == 200
    assert response.json() == {
        "jobId": job_id,
        "status": "queued",
        "total": 2,
        "done": 0,
        "failed": 0,
        "items": [{"prospectId": str(p), "status": "pending", "error": None} for p in pids],
    }


async def test_job_progress_comes_from_enrichments_rows(api, seed, team):
    pids = await prospects_of(seed, team, 3)
    body = {"prospectIds": [str(p) for p in pids]}
    job_id = (await api.client.post(BATCH, json=body, headers=api.auth(team))).json()["jobId"]
    team_id = team_id_for(team)
    async with seed.engine.begin() as conn:  # standing in for the enrichment service
        await conn.execute(
            enrichment_jobs.insert().values(
                id=uuid.UUID(job_id),
                team_id=team_id,
                prospect_ids=pids[:2],
                total=3,
                done=1,
                failed=1,
                status="running",
            )
        )
        await conn.execute(
            enrichment_job_items.insert(),
            [
                {"job_id": uuid.UUID(job_id), "prospect_id": pids[0], "team_id": team_id,
                 "status": "done", "error": None},
                {"job_id": uuid.UUID(job_id), "prospect_id": pids[1], "team_id": team_id,
                 "status": "failed", "error": "erased"},
            ],
        )  # fmt: skip
    response = await api.client.get(f"{JOBS}/{job_id}", headers=api.auth(team))
    assert response.status_code == 200
    job = response.json()
    assert (job["status"], job["total"], job["done"], job["failed"]) == ("running", 3, 1, 1)
    assert job["items"] == [
        {"prospectId": str(pids[0]), "status": "done", "error": None},
        {"prospectId": str(pids[1]), "status": "failed", "error": "erased"},
        {"prospectId": str(pids[2]), "status": "pending", "error": None},
    ]
    async with seed.engine.begin() as conn:
        await conn.execute(
            enrichment_job_items.insert().values(
                job_id=uuid.UUID(job_id), prospect_id=pids[2], team_id=team_id, status="done"
            )
        )
        await conn.execute(
            enrichment_jobs.update()
            .where(enrichment_jobs.c.id == uuid.UUID(job_id))
            .values(done=2, status="completed")
        )
    job = (await api.client.get(f"{JOBS}/{job_id}", headers=api.auth(team))).json()
    assert (job["status"], job["done"], job["failed"]) == ("completed", 2, 1)
    assert [item["status"] for item in job["items"]] == ["done", "failed", "done"]


async def test_another_teams_or_an_unknown_job_is_404(api, seed, team):
    [pid] = await prospects_of(seed, team, 1)
    job_id = (await api.client.post(f"{SINGLE}/{pid}", headers=api.auth(team))).json()["jobId"]
    other = f"{team}-other"
    for headers, jid in ((api.auth(other), job_id), (api.auth(team), str(uuid.uuid4()))):
        response = await api.client.get(f"{JOBS}/{jid}", headers=headers)
        assert response.status_code == 404
        assert response.json()["code"] == "enrichment_job_not_found"
    # enrichment's row of another team's job is as invisible as its audit entry
    async with seed.engine.begin() as conn:
        await conn.execute(
            enrichment_jobs.insert().values(
                id=uuid.UUID(job_id), team_id=team_id_for(team), prospect_ids=[pid], total=1,
                status="running",
            )
        )  # fmt: skip
    response = await api.client.get(f"{JOBS}/{job_id}", headers=api.auth(other))
    assert response.status_code == 404


def test_job_view_without_the_audit_entry_lists_enrichments_items():
    """An entry lost (or from before the audit) still shows what enrichment knows."""
    job_id, first, second = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    job = {"prospect_ids": [first, second], "total": 2, "done": 1, "failed": 0,
           "status": "running"}  # fmt: skip
    items = [{"prospect_id": first, "status": "done", "error": None}]
    view = job_view(job_id, [], job, items)
    assert (view.status, view.total, view.done) == ("running", 2, 1)
    assert [(i.prospect_id, i.status) for i in view.items] == [(first, "done"), (second, "pending")]


def test_requested_ids_read_the_audit_details():
    pid = uuid.uuid4()
    assert requested_ids({"prospectIds": [str(pid)]}) == [pid]
    assert requested_ids({}) == []

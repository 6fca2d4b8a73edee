"""On-demand enrichment (spec §9.2): enrich one prospect or a batch as a job (publishes one
enrichment.requested per prospect, answered 202 with the job id) and read the job's
progress (enrichment's job rows; before enrichment saw the job, the request's audit
entry: queued)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Body, status
from leadgen_common.auth import Principal
from leadgen_common.contracts import RequestEnrichment

from ..adapters import audit
from ..adapters import enrichment_jobs as jobs
from ..deps import Gateway, GatewayDep, Manager, TeamReader
from ..domain.enrichment_jobs import job_view, requested_ids
from ..errors import ApiError, not_found
from ..publishing import publish
from ..schemas.common import error_responses
from ..schemas.enrichment import EnrichBatch, EnrichRequest, JobAccepted, JobOut

router = APIRouter(prefix="/enrichment", tags=["enrichment"], responses=error_responses(401))

#: audit_log.resource_type of a job (its id is the resource id) and the request's action.
RESOURCE = "enrichment_job"
ACTION = "enrichment.request"

OptionalEnrichRequest = Annotated[EnrichRequest | None, Body()]


async def _start(
    gw: Gateway, who: Principal, prospect_ids: Sequence[uuid.UUID], ask: EnrichRequest
) -> JobAccepted:
    """Audit the job and publish its commands in one transaction: the audit entry commits
    only if the broker took every command (a 503 otherwise)."""
    job_id = uuid.uuid4()
    providers = list(ask.providers or ())
    details = {
        "jobId": str(job_id),
        "prospectIds": [str(pid) for pid in prospect_ids],
        "providers": providers,
        "validateEmail": ask.validate_email,
    }
    commands = [
        RequestEnrichment(
            job_id=job_id,
            prospect_id=pid,
            providers=providers,
            validate_email=ask.validate_email,
            job_total=len(prospect_ids),
            requested_by=who.subject,
        )
        for pid in prospect_ids
    ]
    async with gw.db.transaction(who) as conn:
        await audit.record(conn, who, ACTION, RESOURCE, job_id, details)
        await asyncio.gather(
            *(publish(gw, c, team_id=who.team_id, correlation_id=str(job_id)) for c in commands)
        )
    return JobAccepted(job_id=job_id, total=len(prospect_ids), status="queued")


@router.post(
    "/prospects/{prospect_id}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobAccepted,
    responses=error_responses(403, 404, 422, 503),
)
async def enrich_prospect(
    prospect_id: uuid.UUID, gw: GatewayDep, who: Manager, body: OptionalEnrichRequest = None
) -> JobAccepted:
    """Enrich one prospect now (a job of one): the results show on the prospect."""
    async with gw.db.transaction(who) as conn:
        if not await jobs.known_prospects(conn, who.team_id, [prospect_id]):
            raise not_found("prospect")
    return await _start(gw, who, [prospect_id], body or EnrichRequest())


@router.post(
    "/batch",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobAccepted,
    responses=error_responses(403, 422, 503),
)
async def enrich_batch(body: EnrichBatch, gw: GatewayDep, who: Manager) -> JobAccepted:
    """Enrich up to 100 prospects as one job; every id must be a prospect of the team."""
    async with gw.db.transaction(who) as conn:
        known = await jobs.known_prospects(conn, who.team_id, body.prospect_ids)
    unknown = [(i, pid) for i, pid in enumerate(body.prospect_ids) if pid not in known]
    if unknown:
        raise ApiError(
            422,
            "unknown_prospects",
            f"{len(unknown)} prospect id(s) are not prospects of your team",
            "prospectIds",
            [
                {"field": f"prospectIds[{i}]", "message": f"unknown prospect {pid}"}
                for i, pid in unknown
            ],
        )
    return await _start(gw, who, body.prospect_ids, body)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=error_responses(403, 404))
async def get_job(job_id: uuid.UUID, gw: GatewayDep, who: TeamReader) -> JobOut:
    """A job's progress (view_all or view_team: a job names prospects of the whole team)."""
    async with gw.db.transaction(who) as conn:
        requested = await audit.first_entry(conn, who.team_id, RESOURCE, job_id)
        job = await jobs.job(conn, who.team_id, job_id)
        items = await jobs.items(conn, who.team_id, job_id) if job is not None else []
    if requested is None and job is None:
        raise not_found("enrichment_job")
    view = job_view(job_id, requested_ids(requested["details"]) if requested else [], job, items)
    return JobOut.model_validate(view, from_attributes=True)

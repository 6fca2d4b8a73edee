"""Lead routes: the leads a principal may see, newest first; a lead's status and assignee
(published as prospect.update, which lead-writer applies); the team's leads as CSV."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, status
from fastapi.responses import StreamingResponse
from leadgen_common.auth import Principal
from leadgen_common.contracts import UpdateProspect
from sqlalchemy import RowMapping

from ..adapters import audit, read_models
from ..deps import Exporter, Gateway, GatewayDep, Reader, StatusChanger
from ..domain import lead_export
from ..domain.permissions import Permission, allows, assigned_only
from ..errors import ApiError, not_found
from ..publishing import publish, request_correlation_id
from ..schemas.common import error_responses
from ..schemas.leads import LeadItem, LeadPage, LeadStatus, LeadUpdate, LeadUpdateAccepted
from .paging import Cursor, Limit, page_of, time_cursor, time_key

router = APIRouter(prefix="/leads", tags=["leads"], responses=error_responses(401, 422))

#: Leads read per transaction while streaming an export.
EXPORT_PAGE = 500

CampaignFilter = Annotated[uuid.UUID | None, Query(alias="campaignId")]
StatusFilter = Annotated[LeadStatus | None, Query()]


def _lead(row: RowMapping) -> LeadItem:
    return LeadItem.model_validate(dict(row))


@router.get("", response_model=LeadPage)
async def list_leads(
    gw: GatewayDep,
    who: Reader,
    campaign_id: CampaignFilter = None,
    status: StatusFilter = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> LeadPage:
    """The team's leads; a sales_rep or viewer sees only the leads assigned to them."""
    after = time_key(cursor)
    async with gw.db.transaction(who) as conn:
        rows = await read_models.lead_page(
            conn,
            who.team_id,
            campaign_id=campaign_id,
            status=status,
            limit=limit,
            after=after,
            assignee=assigned_only(who),
            cipher=gw.cipher,
        )
    items, next_cursor = page_of(rows, limit, _lead, time_cursor)
    return LeadPage(items=items, next_cursor=next_cursor)


class CsvResponse(StreamingResponse):
    media_type = "text/csv"


def _json_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Error responses documented as JSON on a route whose success is not (FastAPI would
    give a model's schema the route's own media type)."""
    schema = {"$ref": "#/components/schemas/ErrorBody"}
    return {
        status_code: {
            "description": entry["description"],
            "content": {"application/json": {"schema": schema}},
        }
        for status_code, entry in error_responses(*statuses).items()
    }


@router.get(
    "/export",
    response_class=CsvResponse,
    response_model=None,
    responses={
        200: {
            "description": "CSV (RFC 4180), one line per lead after a header line.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **_json_errors(401, 403, 422, 429),
    },
)
async def export_leads(
    gw: GatewayDep, who: Exporter, campaign_id: CampaignFilter = None, status: StatusFilter = None
) -> CsvResponse:
    """The team's leads as CSV, newest first, streamed (export_data: managers and admins).
    The audit entry, with the number of leads matched, commits before the first byte."""
    scope = assigned_only(who)
    async with gw.db.transaction(who) as conn:
        total = await read_models.lead_count(
            conn, who.team_id, campaign_id=campaign_id, status=status, assignee=scope
        )
        details: dict[str, Any] = {"rows": total}
        if campaign_id is not None:
            details["campaignId"] = str(campaign_id)
        if status is not None:
            details["status"] = status
        await audit.record(conn, who, "lead.export", "lead", None, details)
    return CsvResponse(
        _csv(gw, who, campaign_id, status, scope),
        headers={"Content-Disposition": 'attachment; filename="leads.csv"'},
    )


async def _csv(
    gw: Gateway,
    who: Principal,
    campaign_id: uuid.UUID | None,
    status: str | None,
    assignee: str | None,
) -> AsyncIterator[str]:
    """The header, then a page of leads per (short) transaction, keyset-paged."""
    yield lead_export.lines((), header=True)
    after = None
    while True:
        async with gw.db.transaction(who) as conn:
            rows = await read_models.lead_page(
                conn,
                who.team_id,
                campaign_id=campaign_id,
                status=status,
                limit=EXPORT_PAGE,
                after=after,
                assignee=assignee,
                cipher=gw.cipher,
            )
        shown = rows[:EXPORT_PAGE]
        yield lead_export.lines(_lead(row).model_dump(mode="json", by_alias=True) for row in shown)
        if len(rows) <= EXPORT_PAGE:
            return
        after = (shown[-1]["created_at"], shown[-1]["id"])


@router.patch(
    "/{lead_id}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=LeadUpdateAccepted,
    responses=error_responses(403, 404, 409, 503),
)
async def update_lead(
    lead_id: uuid.UUID,
    body: LeadUpdate,
    gw: GatewayDep,
    who: StatusChanger,
    x_request_id: Annotated[str | None, Header()] = None,
) -> LeadUpdateAccepted:
    """Move a lead through its statuses and/or (un)assign it (with its prospect). A
    sales_rep sets the status of the leads assigned to them (another lead is 404);
    managers and admins set any lead's status and assign. Publishes prospect.update;
    the audit row (field names and the new status) commits only if the broker took it."""
    fields = [name for name in ("status", "assignee") if name in body.model_fields_set]
    if "assignee" in fields and not allows(who.role, Permission.CREATE_CAMPAIGN):
        raise ApiError(
            403, "forbidden", f"role {who.role.value!r} may not assign leads", "assignee"
        )
    scope = assigned_only(who)
    async with gw.db.transaction(who) as conn:
        lead = await read_models.lead_for_update(conn, who.team_id, lead_id)
        if lead is None or (scope is not None and lead["assignee"] != scope):
            raise not_found("lead")
        if lead["erased"]:
            raise ApiError(409, "prospect_erased", "the person's data was erased")
        details: dict[str, Any] = {"fields": fields}
        if body.status is not None:
            details.update(status=body.status, previousStatus=lead["status"])
        await audit.record(conn, who, "lead.update", "lead", lead_id, details)
        await publish(
            gw,
            _command(lead["prospect_id"], body, who.subject),
            team_id=who.team_id,
            correlation_id=request_correlation_id(x_request_id),
        )
    return LeadUpdateAccepted(
        lead_id=lead_id, prospect_id=lead["prospect_id"], updated_fields=fields
    )


def _command(prospect_id: uuid.UUID, body: LeadUpdate, subject: str) -> UpdateProspect:
    assignment: dict[str, Any] = {}
    if "assignee" in body.model_fields_set:
        assignment = {"assignee": body.assignee} if body.assignee else {"unassign": True}
    return UpdateProspect(
        prospect_id=prospect_id, lead_status=body.status, requested_by=subject, **assignment
    )

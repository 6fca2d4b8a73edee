"""A user's edit of a prospect: PATCH /prospects/{id} publishes prospect.update, and
lead-writer sets and marks the fields (enrichment never overwrites a marked field),
assigns, and lets the person's lead follow."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, status
from leadgen_common.contracts import UpdateProspect

from ..adapters import audit, read_models
from ..deps import GatewayDep, Manager
from ..errors import ApiError, not_found
from ..publishing import publish, request_correlation_id
from ..schemas.common import error_responses
from ..schemas.prospects import EDIT_NAMES, ProspectEdit, ProspectEditAccepted

router = APIRouter(
    prefix="/prospects",
    tags=["prospects"],
    responses=error_responses(401, 403, 404, 409, 422, 503),
)


def command_for(prospect_id: uuid.UUID, body: ProspectEdit, subject: str) -> UpdateProspect:
    fields = body.given()
    assignment: dict[str, Any] = {}
    if "assignee" in fields:
        assignee = fields.pop("assignee")
        assignment = {"assignee": assignee} if assignee is not None else {"unassign": True}
    return UpdateProspect(
        prospect_id=prospect_id, fields=fields, requested_by=subject, **assignment
    )


@router.patch(
    "/{prospect_id}", status_code=status.HTTP_202_ACCEPTED, response_model=ProspectEditAccepted
)
async def edit_prospect(
    prospect_id: uuid.UUID,
    body: ProspectEdit,
    gw: GatewayDep,
    who: Manager,
    x_request_id: Annotated[str | None, Header()] = None,
) -> ProspectEditAccepted:
    """Correct contact or profile fields and (un)assign. Each field given is marked
    edited: enrichment never overwrites it. An erased prospect answers 409. The audit row
    names the fields, never their values, and commits only if the broker took the command."""
    command = command_for(prospect_id, body, who.subject)
    edited = [
        EDIT_NAMES[name] for name in ProspectEdit.model_fields if name in body.model_fields_set
    ]
    async with gw.db.transaction(who) as conn:
        erased = await read_models.prospect_erased(conn, who.team_id, prospect_id)
        if erased is None:
            raise not_found("prospect")
        if erased:
            raise ApiError(409, "prospect_erased", "the person's data was erased")
        await audit.record(
            conn, who, "prospect.update", "prospect", prospect_id, {"fields": edited}
        )
        await publish(
            gw, command, team_id=who.team_id, correlation_id=request_correlation_id(x_request_id)
        )
    return ProspectEditAccepted(prospect_id=prospect_id, edited_fields=edited)

"""GDPR routes: ``DELETE /prospects/{id}`` publishes the prospect.erase command (every
service erases what it holds of the person; lead-writer confirms with prospect.erased),
and ``POST /suppressions`` publishes suppression.add with the SHA-256 digest of the value
(lead-writer adds it to the team's list). Both answer 202 and are audited without any
personal data; the audit row commits only if the broker took the command."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, status
from leadgen_common.auth import Principal
from leadgen_common.contracts import AddSuppression, EraseProspect
from leadgen_common.suppression import entry

from ..adapters import audit, read_models
from ..deps import GatewayDep, Manager, require
from ..domain.permissions import Permission
from ..errors import not_found
from ..publishing import publish, request_correlation_id
from ..schemas.common import error_responses
from ..schemas.privacy import ErasureAccepted, SuppressionAccepted, SuppressionBody

router = APIRouter(tags=["privacy"], responses=error_responses(401, 403, 422, 503))

#: Erasure is the spec's ``delete`` permission (admins).
Eraser = Annotated[Principal, Depends(require(Permission.DELETE))]


@router.delete(
    "/prospects/{prospect_id}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ErasureAccepted,
    responses=error_responses(404),
)
async def erase_prospect(
    prospect_id: uuid.UUID,
    gw: GatewayDep,
    who: Eraser,
    x_request_id: Annotated[str | None, Header()] = None,
) -> ErasureAccepted:
    """Erase a person (GDPR art. 17): their profile, contact details, enrichment, vectors
    and cached provider answers, everywhere; their identifiers go on the team's
    suppression list (hashed), so no later campaign finds them again. The prospect stays
    listed with status ``erased`` and no personal fields. Asking again for an erased
    person is accepted again (each request is audited)."""
    command = EraseProspect(prospect_id=prospect_id, requested_by=who.subject)
    async with gw.db.transaction(who) as conn:
        if await read_models.prospect_erased(conn, who.team_id, prospect_id) is None:
            raise not_found("prospect")
        await audit.record(conn, who, "prospect.erase", "prospect", prospect_id)
        await publish(
            gw, command, team_id=who.team_id, correlation_id=request_correlation_id(x_request_id)
        )
    return ErasureAccepted(prospect_id=prospect_id, status="accepted")


@router.post(
    "/suppressions", status_code=status.HTTP_202_ACCEPTED, response_model=SuppressionAccepted
)
async def add_suppression(
    body: SuppressionBody,
    gw: GatewayDep,
    who: Manager,
    x_request_id: Annotated[str | None, Header()] = None,
) -> SuppressionAccepted:
    """Never prospect this person (email, profile URL) or company (domain) again: no
    later campaign publishes, enriches or stores whoever it names. Only the SHA-256 digest
    of the normalized value leaves the gateway; the audit row names the kind only."""
    listed = entry(body.kind, body.value)
    assert listed is not None  # the body validated it
    command = AddSuppression(
        kind=body.kind, value=listed.digest, hashed=True, requested_by=who.subject
    )
    async with gw.db.transaction(who) as conn:
        await audit.record(conn, who, "suppression.add", "suppression", None, {"kind": body.kind})
        await publish(
            gw, command, team_id=who.team_id, correlation_id=request_correlation_id(x_request_id)
        )
    return SuppressionAccepted(kind=body.kind, status="accepted")

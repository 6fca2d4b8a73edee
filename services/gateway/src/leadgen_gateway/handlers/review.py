"""Manual review: convert or reject a prospect in review (or qualified); publishes
prospect.reviewed, and lead-writer makes the lead (at most one per person)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Header, status
from leadgen_common.auth import Principal
from leadgen_common.contracts import (
    ProspectReviewed,
    ProspectStatus,
    ReviewDecision,
    lead_id_for,
)

from ..adapters import audit, read_models
from ..deps import Gateway, GatewayDep, Manager
from ..errors import ApiError, not_found
from ..publishing import publish, request_correlation_id
from ..schemas.common import error_responses
from ..schemas.prospects import ReviewAccepted, ReviewBody

router = APIRouter(
    prefix="/prospecting/prospects",
    tags=["review"],
    responses=error_responses(401, 403, 404, 409, 422, 503),
)

#: Statuses a user may still decide on; the rest are either decided or not scored yet.
REVIEWABLE = frozenset({ProspectStatus.REVIEW, ProspectStatus.QUALIFIED})

OptionalReviewBody = Annotated[ReviewBody | None, Body()]


async def _review(
    gw: Gateway,
    who: Principal,
    prospect_id: uuid.UUID,
    body: ReviewBody | None,
    decision: ReviewDecision,
    correlation_id: str,
) -> ReviewAccepted:
    campaign_id = body.campaign_id if body else None
    async with gw.db.transaction(who) as conn:
        member = await read_models.membership(conn, who.team_id, prospect_id, campaign_id)
        if member is None:
            raise not_found("prospect")
        if member["status"] not in REVIEWABLE:
            raise ApiError(
                409,
                "prospect_not_reviewable",
                f"prospect is {member['status']} in this campaign; only review or qualified "
                "prospects can be converted or rejected",
            )
        if decision is ReviewDecision.CONVERT and await read_models.lead_of(
            conn, who.team_id, prospect_id
        ):
            raise ApiError(409, "already_a_lead", "this person already is a lead")
        await audit.record(
            conn,
            who,
            f"prospect.{decision.value}",
            "prospect",
            prospect_id,
            {"campaign_id": str(member["campaign_id"])},
        )
        reviewed = ProspectReviewed(
            prospect_id=prospect_id,
            campaign_id=member["campaign_id"],
            decision=decision,
            reviewed_by=who.subject,
        )
        await publish(gw, reviewed, team_id=who.team_id, correlation_id=correlation_id)
    return ReviewAccepted(
        prospect_id=prospect_id,
        campaign_id=member["campaign_id"],
        lead_id=lead_id_for(prospect_id) if decision is ReviewDecision.CONVERT else None,
        status="accepted",
    )


@router.post(
    "/{prospect_id}/convert", status_code=status.HTTP_202_ACCEPTED, response_model=ReviewAccepted
)
async def convert_prospect(
    prospect_id: uuid.UUID,
    gw: GatewayDep,
    who: Manager,
    body: OptionalReviewBody = None,
    x_request_id: Annotated[str | None, Header()] = None,
) -> ReviewAccepted:
    """Make the prospect a lead (its id is returned now; the lead appears shortly)."""
    return await _review(
        gw, who, prospect_id, body, ReviewDecision.CONVERT, request_correlation_id(x_request_id)
    )


@router.post(
    "/{prospect_id}/reject", status_code=status.HTTP_202_ACCEPTED, response_model=ReviewAccepted
)
async def reject_prospect(
    prospect_id: uuid.UUID,
    gw: GatewayDep,
    who: Manager,
    body: OptionalReviewBody = None,
    x_request_id: Annotated[str | None, Header()] = None,
) -> ReviewAccepted:
    return await _review(
        gw, who, prospect_id, body, ReviewDecision.REJECT, request_correlation_id(x_request_id)
    )

"""Lookalike audience routes: request one (publishes audience.lookalike_requested) and read
what discovery built (the audiences table)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, status
from leadgen_common.contracts import Platform, RequestLookalike
from sqlalchemy import RowMapping

from ..adapters import audiences, audit, icps
from ..deps import GatewayDep, Manager, Reader
from ..errors import not_found
from ..publishing import publish
from ..schemas.common import error_responses
from ..schemas.lookalike import (
    EstimatedSize,
    LookalikeAccepted,
    LookalikeCreate,
    LookalikeItem,
    LookalikeList,
)

router = APIRouter(prefix="/icps", tags=["lookalike"], responses=error_responses(401))


@router.post(
    "/{icp_id}/lookalike",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=LookalikeAccepted,
    responses=error_responses(403, 404, 422, 503),
)
async def request_lookalike(
    icp_id: uuid.UUID, body: LookalikeCreate, gw: GatewayDep, who: Manager
) -> LookalikeAccepted:
    """Discovery seeds each platform with the ICP's best leads (hashed emails) and records
    the audience and its estimated size; poll the GET route for the result."""
    request_id = uuid.uuid4()
    async with gw.db.transaction(who) as conn:
        if await icps.get(conn, who.team_id, icp_id) is None:
            raise not_found("icp")
        await audit.record(
            conn,
            who,
            "icp.lookalike",
            "icp",
            icp_id,
            {"requestId": str(request_id), "platforms": body.platforms},
        )
    command = RequestLookalike(
        icp_id=icp_id,
        platforms=[Platform(p) for p in body.platforms],
        requested_by=who.subject,
        request_id=request_id,
        min_score=body.min_score,
        limit=body.limit,
    )
    await publish(gw, command, team_id=who.team_id, correlation_id=str(request_id))
    return LookalikeAccepted(
        audience_request_id=request_id, icp_id=icp_id, platforms=body.platforms, status="pending"
    )


def _item(row: RowMapping) -> LookalikeItem:
    definition: dict[str, Any] = row["definition"] or {}
    return LookalikeItem(
        audience_request_id=definition.get("request_id"),
        platform=row["platform"],
        status=row["status"],
        seed_size=definition.get("seed_size"),
        estimated_size=EstimatedSize(
            lower=definition.get("size_lower"), upper=definition.get("size_upper", row["size"])
        ),
        audience_id=definition.get("lookalike_id"),
        failure_reason=definition.get("failure_reason"),
        created_at=row["created_at"],
    )


@router.get("/{icp_id}/lookalike", response_model=LookalikeList, responses=error_responses(404))
async def list_lookalikes(icp_id: uuid.UUID, gw: GatewayDep, who: Reader) -> LookalikeList:
    async with gw.db.transaction(who) as conn:
        if await icps.get(conn, who.team_id, icp_id) is None:
            raise not_found("icp")
        rows = await audiences.for_icp(conn, who.team_id, icp_id)
    return LookalikeList(items=[_item(row) for row in rows])

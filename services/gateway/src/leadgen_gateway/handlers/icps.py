"""ICP routes: /icps CRUD (soft delete) and the criteria preview."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Response, status
from leadgen_common.contracts import Icp, IcpDefinition, Platform
from leadgen_common.criteria import translate
from sqlalchemy import RowMapping

from ..adapters import audit
from ..adapters import icps as repo
from ..deps import GatewayDep, Manager, Reader
from ..errors import not_found
from ..schemas.common import error_responses
from ..schemas.icps import CriteriaPreview, CriteriaPreviewBody, IcpOut, IcpPage, PlatformCriteria
from .paging import Cursor, Limit, page_of, time_cursor, time_key

router = APIRouter(prefix="/icps", tags=["icps"], responses=error_responses(401))

IcpBody = Annotated[
    Icp,
    Body(description="An ICP definition (spec appendix C); an `id` in the body is ignored."),
]


def _definition(body: Icp) -> IcpDefinition:
    return IcpDefinition.model_validate(body.model_dump(exclude={"id"}))


def _out(row: RowMapping) -> IcpOut:
    return IcpOut.model_validate(
        {
            **row["definition"],
            "id": row["id"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=IcpOut,
    responses=error_responses(403, 422),
)
async def create_icp(body: IcpBody, gw: GatewayDep, who: Manager, response: Response) -> IcpOut:
    async with gw.db.transaction(who) as conn:
        row = await repo.insert(conn, who.team_id, _definition(body))
        await audit.record(conn, who, "icp.create", "icp", row["id"], {"name": body.name})
    response.headers["Location"] = f"/api/v1/icps/{row['id']}"
    return _out(row)


@router.get("", response_model=IcpPage, responses=error_responses(422))
async def list_icps(
    gw: GatewayDep, who: Reader, limit: Limit = 50, cursor: Cursor = None
) -> IcpPage:
    async with gw.db.transaction(who) as conn:
        rows = await repo.page(conn, who.team_id, limit=limit, after=time_key(cursor))
    items, next_cursor = page_of(rows, limit, _out, time_cursor)
    return IcpPage(items=items, next_cursor=next_cursor)


@router.get("/{icp_id}", response_model=IcpOut, responses=error_responses(404))
async def get_icp(icp_id: uuid.UUID, gw: GatewayDep, who: Reader) -> IcpOut:
    async with gw.db.transaction(who) as conn:
        row = await repo.get(conn, who.team_id, icp_id)
    if row is None:
        raise not_found("icp")
    return _out(row)


@router.put("/{icp_id}", response_model=IcpOut, responses=error_responses(403, 404, 422))
async def replace_icp(icp_id: uuid.UUID, body: IcpBody, gw: GatewayDep, who: Manager) -> IcpOut:
    """Replace the whole definition; running campaigns keep the snapshot they started with."""
    async with gw.db.transaction(who) as conn:
        row = await repo.replace(conn, who.team_id, icp_id, _definition(body))
        if row is None:
            raise not_found("icp")
        await audit.record(conn, who, "icp.update", "icp", icp_id, {"name": body.name})
    return _out(row)


@router.delete(
    "/{icp_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(403, 404)
)
async def delete_icp(icp_id: uuid.UUID, gw: GatewayDep, who: Manager) -> Response:
    """Soft delete: the ICP disappears from the API; campaigns that used it stay readable."""
    async with gw.db.transaction(who) as conn:
        if not await repo.soft_delete(conn, who.team_id, icp_id):
            raise not_found("icp")
        await audit.record(conn, who, "icp.delete", "icp", icp_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{icp_id}/criteria-preview",
    response_model=CriteriaPreview,
    responses=error_responses(404, 422),
)
async def preview_criteria(
    icp_id: uuid.UUID,
    gw: GatewayDep,
    who: Reader,
    body: Annotated[CriteriaPreviewBody | None, Body()] = None,
) -> CriteriaPreview:
    """What each platform would be asked for this ICP, and what did not map (no side effect)."""
    body = body or CriteriaPreviewBody()
    async with gw.db.transaction(who) as conn:
        row = await repo.get(conn, who.team_id, icp_id)
    if row is None:
        raise not_found("icp")
    icp = Icp.model_validate({**row["definition"], "id": str(icp_id)})
    platforms = body.platforms or list(Platform)
    preview = {}
    for platform in platforms:
        result = translate(icp, platform, body.search_criteria.get(platform))
        preview[platform] = PlatformCriteria(criteria=result.criteria, warnings=result.warnings)
    return CriteriaPreview(icp_id=icp_id, platforms=preview)

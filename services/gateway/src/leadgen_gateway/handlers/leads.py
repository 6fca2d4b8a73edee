"""Lead routes: the team's leads, newest first."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from leadgen_common.db.schema import LEAD_STATUSES
from sqlalchemy import RowMapping

from ..adapters import read_models
from ..deps import GatewayDep, Reader
from ..schemas.common import error_responses
from ..schemas.leads import LeadItem, LeadPage
from .paging import Cursor, Limit, page_of, time_cursor, time_key

router = APIRouter(prefix="/leads", tags=["leads"], responses=error_responses(401, 422))

LeadStatus = Literal[LEAD_STATUSES]  # type: ignore[valid-type]


def _lead(row: RowMapping) -> LeadItem:
    return LeadItem.model_validate(dict(row))


@router.get("", response_model=LeadPage)
async def list_leads(
    gw: GatewayDep,
    who: Reader,
    campaign_id: Annotated[uuid.UUID | None, Query(alias="campaignId")] = None,
    status: Annotated[LeadStatus | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> LeadPage:
    after = time_key(cursor)
    async with gw.db.transaction(who) as conn:
        rows = await read_models.lead_page(
            conn,
            who.team_id,
            campaign_id=campaign_id,
            status=status,
            limit=limit,
            after=after,
            cipher=gw.cipher,
        )
    items, next_cursor = page_of(rows, limit, _lead, time_cursor)
    return LeadPage(items=items, next_cursor=next_cursor)

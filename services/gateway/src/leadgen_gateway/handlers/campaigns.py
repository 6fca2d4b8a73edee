"""Campaign routes: start (publishes campaign.started), read, control (campaign.control),
and the campaign's prospects."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Header, Query, status
from leadgen_common.auth import Principal
from leadgen_common.contracts import (
    CampaignOptions,
    CampaignStarted,
    CampaignStatus,
    ControlAction,
    ControlCampaign,
    Icp,
    ProspectStatus,
)
from sqlalchemy import RowMapping

from ..adapters import audit, icps, read_models
from ..adapters import campaigns as repo
from ..campaign_view import CURRENCY, campaign_view
from ..deps import Gateway, GatewayDep, Manager, Reader
from ..domain import progress as calc
from ..domain.cursor import BadCursor, decode_cursor, encode_cursor
from ..domain.permissions import assigned_only
from ..errors import ApiError, invalid, not_found
from ..publishing import ensure_publishable, publish, request_correlation_id
from ..schemas.campaigns import (
    CampaignAccepted,
    CampaignAnalytics,
    CampaignControl,
    CampaignControlAccepted,
    CampaignCreate,
    CampaignOut,
    CampaignPage,
    CampaignSummary,
    Cost,
    Progress,
    ScoreBucket,
)
from ..schemas.common import error_responses
from ..schemas.prospects import ProspectItem, ProspectPage
from .paging import Cursor, Limit, bad_cursor, page_of, time_cursor, time_key

router = APIRouter(
    prefix="/prospecting/campaigns", tags=["campaigns"], responses=error_responses(401)
)

_ACTIONS = {
    "paused": ControlAction.PAUSE,
    "running": ControlAction.RESUME,
    "cancelled": ControlAction.CANCEL,
}


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=CampaignAccepted,
    responses=error_responses(403, 404, 422, 503),
)
async def start_campaign(body: CampaignCreate, gw: GatewayDep, who: Manager) -> CampaignAccepted:
    """Record the campaign, then publish campaign.started with the ICP snapshot. The row
    is committed first so anyone reading campaigns finds it; if the broker refuses the
    event, the row is removed again and the answer is 503."""
    now = datetime.now(UTC)
    options = CampaignOptions.model_validate(body.options.model_dump())
    if options.max_prospects > gw.settings.max_prospects_per_campaign:
        cap = gw.settings.max_prospects_per_campaign
        raise invalid("options.maxProspects", f"at most {cap} prospects per campaign")
    estimate = calc.initial_estimate(
        now, options.max_prospects, gw.settings.estimate_prospects_per_second
    )
    async with gw.db.transaction(who) as conn:
        icp_row = await icps.get(conn, who.team_id, body.icp_id)
        if icp_row is None:
            raise not_found("icp", "icpId")
        icp = Icp.model_validate({**icp_row["definition"], "id": str(body.icp_id)})
        probe = _started(body, _PROBE_ID, icp, options, who)  # 413 before any write
        ensure_publishable(gw, probe, team_id=who.team_id, correlation_id=str(_PROBE_ID))
        campaign_id = await repo.insert(
            conn,
            team_id=who.team_id,
            icp_id=body.icp_id,
            name=body.name,
            platforms=[p.value for p in body.platforms],
            search_criteria={p.value: c for p, c in body.search_criteria.items()},
            options=options.model_dump(mode="json"),
            created_by=who.subject,
            estimated_completion=estimate,
        )
        await audit.record(
            conn, who, "campaign.start", "campaign", campaign_id, {"name": body.name}
        )
    started = _started(body, campaign_id, icp, options, who)
    try:
        await publish(gw, started, team_id=who.team_id, correlation_id=str(campaign_id))
    except ApiError:
        await _undo_start(gw, who, campaign_id)
        raise
    return CampaignAccepted(
        campaign_id=campaign_id, status=CampaignStatus.RUNNING, estimated_completion=estimate
    )


#: Stands in for the campaign id when sizing the event before the row exists.
_PROBE_ID = uuid.UUID(int=0)


def _started(
    body: CampaignCreate,
    campaign_id: uuid.UUID,
    icp: Icp,
    options: CampaignOptions,
    who: Principal,
) -> CampaignStarted:
    return CampaignStarted(
        campaign_id=campaign_id,
        name=body.name,
        icp_id=body.icp_id,
        icp=icp,
        platforms=body.platforms,
        search_criteria=body.search_criteria,
        options=options,
        requested_by=who.subject,
    )


async def _undo_start(gw: Gateway, who: Principal, campaign_id: uuid.UUID) -> None:
    async with gw.db.transaction(who) as conn:
        await repo.delete(conn, who.team_id, campaign_id)
        await audit.record(
            conn, who, "campaign.start_failed", "campaign", campaign_id, {"reason": "broker"}
        )


def _summary(row: RowMapping) -> CampaignSummary:
    return CampaignSummary(
        id=row["id"],
        name=row["name"],
        icp_id=row["icp_id"],
        status=calc.effective_status(row["progress_status"], row["requested_status"]),
        platforms=row["platforms"],
        started_at=row["created_at"],
        completed_at=row["completed_at"],
    )


@router.get("", response_model=CampaignPage, responses=error_responses(422))
async def list_campaigns(
    gw: GatewayDep, who: Reader, limit: Limit = 50, cursor: Cursor = None
) -> CampaignPage:
    async with gw.db.transaction(who) as conn:
        rows = await repo.page(conn, who.team_id, limit=limit, after=time_key(cursor))
    items, next_cursor = page_of(rows, limit, _summary, time_cursor)
    return CampaignPage(items=items, next_cursor=next_cursor)


@router.get("/{campaign_id}", response_model=CampaignOut, responses=error_responses(404))
async def get_campaign(campaign_id: uuid.UUID, gw: GatewayDep, who: Reader) -> CampaignOut:
    async with gw.db.transaction(who) as conn:
        campaign = await repo.get(conn, who.team_id, campaign_id)
        if campaign is None:
            raise not_found("campaign")
        progress = await read_models.progress(conn, who.team_id, campaign_id)
        discovered = await read_models.discovered_by_platform(conn, who.team_id, campaign_id)
        live = await read_models.discovery_live(conn, who.team_id, campaign_id)
        icp_row = await icps.get(conn, who.team_id, campaign["icp_id"], with_deleted=True)
    icp = None
    if icp_row is not None:
        icp = Icp.model_validate({**icp_row["definition"], "id": str(icp_row["id"])})
    return campaign_view(campaign, progress, discovered, live, icp, datetime.now(UTC))


@router.get(
    "/{campaign_id}/analytics", response_model=CampaignAnalytics, responses=error_responses(404)
)
async def campaign_analytics(
    campaign_id: uuid.UUID, gw: GatewayDep, who: Reader
) -> CampaignAnalytics:
    """Lead quality and ROI: the score distribution, qualified and lead rates, cost per
    qualified lead and per lead. Aggregates only, so any reader of the campaign sees them."""
    async with gw.db.transaction(who) as conn:
        campaign = await repo.get(conn, who.team_id, campaign_id)
        if campaign is None:
            raise not_found("campaign")
        progress = await read_models.progress(conn, who.team_id, campaign_id)
        counts = await read_models.score_distribution(conn, who.team_id, campaign_id)
    counters = Progress(
        **{name: (progress[name] if progress else 0) for name in Progress.model_fields}
    )
    total = Decimal(progress["cost_total"]) if progress else Decimal(0)
    width = 1 / len(counts)
    buckets = [
        ScoreBucket(low=round(i * width, 2), high=round((i + 1) * width, 2), count=count)
        for i, count in enumerate(counts)
    ]
    return CampaignAnalytics(
        campaign_id=campaign_id,
        name=campaign["name"],
        icp_id=campaign["icp_id"],
        status=calc.effective_status(
            progress["status"] if progress else None, campaign["requested_status"]
        ),
        platforms=campaign["platforms"],
        progress=counters,
        score_distribution=buckets,
        qualified_rate=_rate(counters.qualified, counters.scored),
        lead_rate=_rate(counters.converted, counters.scored),
        cost=Cost(
            total=calc.money(total),
            per_qualified_lead=calc.cost_per_qualified_lead(total, counters.qualified),
            currency=CURRENCY,
        ),
        cost_per_lead=calc.money(total / counters.converted) if counters.converted else None,
    )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@router.patch(
    "/{campaign_id}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=CampaignControlAccepted,
    responses=error_responses(403, 404, 409, 422, 503),
)
async def control_campaign(
    campaign_id: uuid.UUID,
    body: CampaignControl,
    gw: GatewayDep,
    who: Manager,
    x_request_id: Annotated[str | None, Header()] = None,
) -> CampaignControlAccepted:
    """Pause, resume or cancel: publishes campaign.control. The requested status and the
    audit row commit only if the broker took the command."""
    async with gw.db.transaction(who) as conn:
        campaign = await repo.get(conn, who.team_id, campaign_id, for_update=True)
        if campaign is None:
            raise not_found("campaign")
        progress = await read_models.progress(conn, who.team_id, campaign_id)
        progress_status = progress["status"] if progress else None
        if not calc.accepts_control(progress_status, campaign["requested_status"]):
            raise ApiError(409, "campaign_finished", "the campaign ended or is cancelled", "status")
        if campaign["requested_status"] != body.status:
            await repo.set_requested_status(conn, who.team_id, campaign_id, body.status)
            await audit.record(
                conn, who, f"campaign.{_ACTIONS[body.status].value}", "campaign", campaign_id
            )
            command = ControlCampaign(
                campaign_id=campaign_id, action=_ACTIONS[body.status], requested_by=who.subject
            )
            await publish(
                gw,
                command,
                team_id=who.team_id,
                correlation_id=request_correlation_id(x_request_id),
            )
    return CampaignControlAccepted(campaign_id=campaign_id, status=body.status)


def _score_key(cursor: str | None) -> tuple[float, uuid.UUID] | None:
    if cursor is None:
        return None
    try:
        score, last = decode_cursor(cursor, 2)
        return float(score), uuid.UUID(last)
    except (BadCursor, TypeError, ValueError) as exc:
        raise bad_cursor() from exc


def _prospect(row: RowMapping) -> ProspectItem:
    return ProspectItem.model_validate({k: v for k, v in row.items() if k != "sort_score"})


def _prospect_cursor(row: RowMapping) -> str:
    return encode_cursor(row["sort_score"], str(row["id"]))


@router.get(
    "/{campaign_id}/prospects", response_model=ProspectPage, responses=error_responses(404, 422)
)
async def list_prospects(
    campaign_id: uuid.UUID,
    gw: GatewayDep,
    who: Reader,
    status_: Annotated[ProspectStatus | None, Query(alias="status")] = None,
    min_score: Annotated[float | None, Query(alias="minScore", ge=0.0, le=1.0)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ProspectPage:
    """Best ICP match first (unscored last); a sales_rep or viewer sees only the prospects
    assigned to them."""
    after = _score_key(cursor)
    async with gw.db.transaction(who) as conn:
        if await repo.get(conn, who.team_id, campaign_id) is None:
            raise not_found("campaign")
        rows = await read_models.prospect_page(
            conn,
            who.team_id,
            campaign_id,
            status=status_.value if status_ else None,
            min_score=min_score,
            limit=limit,
            after=after,
            assignee=assigned_only(who),
            cipher=gw.cipher,
        )
    items, next_cursor = page_of(rows, limit, _prospect, _prospect_cursor)
    return ProspectPage(items=items, next_cursor=next_cursor)

"""Webhook routes: a team registers HTTPS endpoints for its events; the webhooks service
delivers them (signed, retried, disabled after repeated failure) and keeps the log.

Who: a webhook sends every new lead's contact details out of leadgen, so managing
webhooks needs ``export_data`` (admin, sales_manager), like the CSV export.

The URL is checked here (scheme, no credentials, every address its host resolves to on
the public internet, unless ``WEBHOOKS_ALLOW_PRIVATE`` in dev) and again by the delivery
service before every attempt. The signing secret is shown once, in the answer that
created or rotated it, and stored encrypted with the field cipher.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Response, status
from leadgen_common.webhooks import SECRET_FIELD, UnsafeUrl, check_url, new_secret
from sqlalchemy import RowMapping

from ..adapters import audit
from ..adapters import webhooks as repo
from ..deps import Exporter, Gateway, GatewayDep
from ..errors import invalid, not_found
from ..schemas.common import error_responses
from ..schemas.webhooks import (
    DeliveryOut,
    DeliveryPage,
    WebhookCreate,
    WebhookOut,
    WebhookPage,
    WebhookUpdate,
)
from .paging import Cursor, Limit, page_of, time_cursor, time_key

router = APIRouter(prefix="/webhooks", tags=["webhooks"], responses=error_responses(401, 403))


async def _checked_url(gw: Gateway, url: str) -> str:
    try:
        target, _ = await check_url(url, allow_private=gw.settings.webhooks_allow_private)
    except UnsafeUrl as exc:
        raise invalid("url", f"not a URL webhooks may be sent to: {exc}") from exc
    return target.url


def _sealed(gw: Gateway, team_id: uuid.UUID, endpoint_id: uuid.UUID, secret: str) -> str:
    return gw.cipher.encrypt(secret, team_id=team_id, prospect_id=endpoint_id, field=SECRET_FIELD)


def _out(row: RowMapping, secret: str | None = None) -> WebhookOut:
    if not row["enabled"]:
        state = "paused"
    elif row["auto_disabled"]:
        state = "disabled"
    else:
        state = "active"
    return WebhookOut(
        id=row["id"],
        url=row["url"],
        events=list(row["events"]),
        description=row["description"],
        enabled=row["enabled"],
        status=state,
        disabled_at=row["disabled_at"] if row["auto_disabled"] else None,
        consecutive_failures=row["consecutive_failures"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        secret=secret,
    )


def _host(url: str) -> str:
    """What the audit log keeps of a URL: its host (a path or query may hold a token)."""
    return urlsplit(url).hostname or ""


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookOut,
    responses=error_responses(422),
)
async def create_webhook(
    body: WebhookCreate, gw: GatewayDep, who: Exporter, response: Response
) -> WebhookOut:
    """Register an endpoint; the answer holds its signing secret, shown this once."""
    url = await _checked_url(gw, body.url)
    endpoint_id, secret = uuid.uuid4(), new_secret()
    async with gw.db.transaction(who) as conn:
        row = await repo.insert(
            conn,
            endpoint_id=endpoint_id,
            team_id=who.team_id,
            url=url,
            secret=_sealed(gw, who.team_id, endpoint_id, secret),
            events=sorted(set(body.events)),
            description=body.description,
            created_by=who.subject,
        )
        details = {"host": _host(url), "events": sorted(set(body.events))}
        await audit.record(conn, who, "webhook.create", "webhook", endpoint_id, details)
    response.headers["Location"] = f"/api/v1/webhooks/{endpoint_id}"
    return _out(row, secret)


@router.get("", response_model=WebhookPage, responses=error_responses(422))
async def list_webhooks(
    gw: GatewayDep, who: Exporter, limit: Limit = 50, cursor: Cursor = None
) -> WebhookPage:
    async with gw.db.transaction(who) as conn:
        rows = await repo.page(conn, who.team_id, limit=limit, after=time_key(cursor))
    items, next_cursor = page_of(rows, limit, _out, time_cursor)
    return WebhookPage(items=items, next_cursor=next_cursor)


@router.get("/{webhook_id}", response_model=WebhookOut, responses=error_responses(404))
async def get_webhook(webhook_id: uuid.UUID, gw: GatewayDep, who: Exporter) -> WebhookOut:
    async with gw.db.transaction(who) as conn:
        row = await repo.get(conn, who.team_id, webhook_id)
    if row is None:
        raise not_found("webhook")
    return _out(row)


@router.patch("/{webhook_id}", response_model=WebhookOut, responses=error_responses(404, 422))
async def update_webhook(
    webhook_id: uuid.UUID, body: WebhookUpdate, gw: GatewayDep, who: Exporter
) -> WebhookOut:
    """Change the URL, events, description; pause or resume (``enabled``; resuming also
    lifts a disable for repeated failures); ``rotateSecret`` answers a new secret once."""
    values: dict[str, Any] = {}
    fields = body.model_fields_set
    if "url" in fields and body.url is not None:
        values["url"] = await _checked_url(gw, body.url)
    if "events" in fields and body.events is not None:
        values["events"] = sorted(set(body.events))
    if "description" in fields:
        values["description"] = body.description
    if "enabled" in fields and body.enabled is not None:
        values["enabled"] = body.enabled
    secret = new_secret() if body.rotate_secret else None
    if secret is not None:
        values["secret"] = _sealed(gw, who.team_id, webhook_id, secret)
    async with gw.db.transaction(who) as conn:
        if values and not await repo.update(conn, who.team_id, webhook_id, values):
            raise not_found("webhook")
        row = await repo.get(conn, who.team_id, webhook_id)
        if row is None:
            raise not_found("webhook")
        details: dict[str, Any] = {"changed": sorted(k for k in values if k != "secret")}
        if secret is not None:
            details["rotatedSecret"] = True
        await audit.record(conn, who, "webhook.update", "webhook", webhook_id, details)
    return _out(row, secret)


@router.delete(
    "/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(404)
)
async def delete_webhook(webhook_id: uuid.UUID, gw: GatewayDep, who: Exporter) -> Response:
    """No more deliveries; any still pending are failed by the delivery service."""
    async with gw.db.transaction(who) as conn:
        if not await repo.delete(conn, who.team_id, webhook_id):
            raise not_found("webhook")
        await audit.record(conn, who, "webhook.delete", "webhook", webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=DeliveryPage,
    responses=error_responses(404, 422),
)
async def list_deliveries(
    webhook_id: uuid.UUID,
    gw: GatewayDep,
    who: Exporter,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> DeliveryPage:
    """The endpoint's delivery log, newest first: one entry per event, with its attempts."""
    async with gw.db.transaction(who) as conn:
        if await repo.get(conn, who.team_id, webhook_id) is None:
            raise not_found("webhook")
        rows = await repo.deliveries(
            conn, who.team_id, webhook_id, limit=limit, after=time_key(cursor)
        )
    items, next_cursor = page_of(
        rows,
        limit,
        lambda r: DeliveryOut.model_validate(
            {**r, "next_attempt_at": r["next_attempt_at"] if r["status"] == "pending" else None}
        ),
        time_cursor,
    )
    return DeliveryPage(items=items, next_cursor=next_cursor)

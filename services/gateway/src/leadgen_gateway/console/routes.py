"""The console's pages under /console: server-rendered (Jinja2), each a client of the
gateway's own API through the user's session (``session.Session.call``). Forms post back
to the console, which calls the API and renders its 422s next to the inputs."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from leadgen_common.auth import Role, issue_token
from leadgen_common.contracts import Platform

from ..settings import GatewaySettings
from . import forms
from .session import (
    COOKIE,
    CsrfFailed,
    LoginRequired,
    Session,
    api_client,
    principal_of,
    session,
)

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(prefix="/console", include_in_schema=False)
SessionDep = Annotated[Session, Depends(session)]

TERMINAL = frozenset({"completed", "failed", "cancelled"})
#: How often the live page's stream reads the campaign from the API.
POLL_S = 1.0
#: A comment line this often keeps proxies from closing an idle stream.
HEARTBEAT_S = 15.0
#: A stream ends after this long (the browser's EventSource reconnects by itself), so a
#: forgotten tab holds no connection for ever.
STREAM_MAX_S = 600.0
DEV_TEAM = "demo"
DEV_TOKEN_TTL = timedelta(hours=8)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/console/static", StaticFiles(directory=HERE / "static"), name="console-static")
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(CsrfFailed, _csrf_failed)


async def _to_login(request: Request, exc: Exception) -> Response:
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(COOKIE, path="/console")
    return response


async def _csrf_failed(request: Request, exc: Exception) -> Response:
    return HTMLResponse("<h1>Forbidden</h1><p>The form expired; reload the page.</p>", 403)


def _settings(request: Request) -> GatewaySettings:
    return request.app.state.gateway.settings


#: Pages load only the console's own script and styles, and no other site may frame them
#: (clickjacking); inline styles stay allowed for the funnel bars' widths.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def page(request: Request, name: str, s: Session | None = None, **context: Any) -> HTMLResponse:
    status = context.pop("status_code", 200)
    return templates.TemplateResponse(
        request,
        name,
        {"s": s, "platforms": list(Platform), **context},
        status_code=status,
        headers=SECURITY_HEADERS,
    )


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _error_page(request: Request, s: Session, answer: Any) -> HTMLResponse:
    return page(request, "error.html", s, answer=answer, status_code=answer.status)


# ----------------------------------------------------------------------------- login
@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> HTMLResponse:
    return page(request, "login.html", dev_login=_settings(request).console_dev_login)


def _logged_in(request: Request, token: str) -> RedirectResponse:
    response = see_other("/console/campaigns")
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        # Behind a TLS-terminating proxy the scheme seen here is http: prod always marks it.
        secure=request.url.scheme == "https" or _settings(request).environment == "prod",
        path="/console",
    )
    return response


def _cross_site(request: Request) -> bool:
    """A browser's form post from another site (login CSRF: logging the victim in as the
    attacker). The login forms have no session to bind a CSRF token to, so they check the
    Origin browsers send with every POST; its host must be the one the request came to."""
    origin = request.headers.get("origin")
    return origin is not None and urlsplit(origin).netloc != request.headers.get("host")


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    if _cross_site(request):
        return HTMLResponse("<h1>Forbidden</h1><p>Cross-site login refused.</p>", 403)
    token = str((await request.form()).get("token") or "").strip()
    if principal_of(_settings(request), token) is None:
        return page(
            request,
            "login.html",
            dev_login=_settings(request).console_dev_login,
            error="That token is invalid or expired.",
            status_code=401,
        )
    return _logged_in(request, token)


@router.post("/login/dev")
async def dev_login(request: Request) -> Response:
    """Only when CONSOLE_DEV_LOGIN is on (the devstack's gateway): a token for the demo
    team minted as `leadgen token` does, with the role picked on the login page."""
    settings = _settings(request)
    if not settings.console_dev_login:
        return HTMLResponse("<h1>Not found</h1>", 404)
    if _cross_site(request):
        return HTMLResponse("<h1>Forbidden</h1><p>Cross-site login refused.</p>", 403)
    role = str((await request.form()).get("role") or Role.ADMIN.value)
    if role not in {r.value for r in Role}:
        role = Role.ADMIN.value
    token = issue_token(settings, team=DEV_TEAM, role=role, ttl=DEV_TOKEN_TTL)
    return _logged_in(request, token)


@router.post("/logout")
async def logout(request: Request, s: SessionDep) -> Response:
    s.check_csrf(str((await request.form()).get("csrf") or ""))
    response = see_other("/console/login")
    response.delete_cookie(COOKIE, path="/console")
    return response


# ----------------------------------------------------------------------------- campaigns
@router.get("", include_in_schema=False)
@router.get("/", include_in_schema=False)
async def home() -> Response:
    return see_other("/console/campaigns")


@router.get("/campaigns", response_class=HTMLResponse)
async def campaigns(request: Request, s: SessionDep) -> HTMLResponse:
    answer = await s.get("/prospecting/campaigns", limit=100)
    if not answer.ok:
        return _error_page(request, s, answer)
    return page(request, "campaigns.html", s, campaigns=answer.body["items"])


def _live(campaign: dict[str, Any]) -> dict[str, Any]:
    """What the live page shows of GET /campaigns/{id} (and what its stream sends)."""
    return {
        key: campaign[key]
        for key in ("status", "progress", "platforms", "cost", "estimatedCompletion")
    } | {"failureReason": campaign.get("failureReason"), "warnings": campaign.get("warnings")}


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
async def campaign_page(request: Request, campaign_id: str, s: SessionDep) -> HTMLResponse:
    answer = await s.get(f"/prospecting/campaigns/{campaign_id}")
    if not answer.ok:
        return _error_page(request, s, answer)
    campaign = answer.body
    return page(
        request,
        "campaign.html",
        s,
        c=campaign,
        terminal=campaign["status"] in TERMINAL,
        notice=request.query_params.get("notice"),
    )


@router.get("/campaigns/{campaign_id}/events")
async def campaign_events(request: Request, campaign_id: str, s: SessionDep) -> Response:
    """Server-sent events: the campaign's live state whenever it changed (read from the
    API about once a second), ending with an ``end`` event at a terminal status."""
    answer = await s.get(f"/prospecting/campaigns/{campaign_id}")
    if not answer.ok:
        return Response(status_code=answer.status)
    token = s.token

    async def stream() -> Any:
        last, quiet, elapsed = None, 0.0, 0.0
        async with api_client(request, token) as client:
            while elapsed < STREAM_MAX_S and not await request.is_disconnected():
                response = await client.get(f"/api/v1/prospecting/campaigns/{campaign_id}")
                if response.status_code != 200:
                    yield "event: end\ndata: {}\n\n"
                    return
                state = json.dumps(_live(response.json()), sort_keys=True)
                if state != last:
                    last, quiet = state, 0.0
                    yield f"data: {state}\n\n"
                    if json.loads(state)["status"] in TERMINAL:
                        yield "event: end\ndata: {}\n\n"
                        return
                elif quiet >= HEARTBEAT_S:
                    quiet = 0.0
                    yield ": still here\n\n"
                await asyncio.sleep(POLL_S)
                quiet += POLL_S
                elapsed += POLL_S

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


@router.post("/campaigns/{campaign_id}/control")
async def control(request: Request, campaign_id: str, s: SessionDep) -> Response:
    form = await request.form()
    s.check_csrf(str(form.get("csrf") or ""))
    answer = await s.call(
        "PATCH", f"/prospecting/campaigns/{campaign_id}", json={"status": form.get("status")}
    )
    notice = f"{form.get('status')} requested" if answer.ok else answer.message
    return see_other(f"/console/campaigns/{campaign_id}?{urlencode({'notice': notice})}")


# ----------------------------------------------------------------------------- ICPs
@router.get("/icps", response_class=HTMLResponse)
async def icps(request: Request, s: SessionDep) -> HTMLResponse:
    answer = await s.get("/icps", limit=100)
    if not answer.ok:
        return _error_page(request, s, answer)
    return page(request, "icps.html", s, icps=answer.body["items"])


def _icp_form(
    request: Request,
    s: Session,
    *,
    icp_id: str | None,
    values: dict[str, str],
    pasted: str,
    mode: str = "form",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    errors = errors or {}
    known = {f.path for f in forms.ICP_FIELDS}
    return page(
        request,
        "icp_form.html",
        s,
        icp_id=icp_id,
        fields=forms.ICP_FIELDS,
        values=values,
        pasted=pasted,
        mode=mode,
        errors=errors,
        other_errors={k: v for k, v in errors.items() if k not in known},
        status_code=status_code,
    )


@router.get("/icps/new", response_class=HTMLResponse)
async def new_icp(request: Request, s: SessionDep) -> HTMLResponse:
    return _icp_form(request, s, icp_id=None, values={}, pasted="")


@router.get("/icps/{icp_id}/edit", response_class=HTMLResponse)
async def edit_icp(request: Request, icp_id: str, s: SessionDep) -> HTMLResponse:
    answer = await s.get(f"/icps/{icp_id}")
    if not answer.ok:
        return _error_page(request, s, answer)
    return _icp_form(
        request,
        s,
        icp_id=icp_id,
        values=forms.form_from_body(answer.body),
        pasted=forms.definition_json(answer.body),
    )


@router.post("/icps/new", response_class=HTMLResponse)
@router.post("/icps/{icp_id}/edit", response_class=HTMLResponse)
async def save_icp(request: Request, s: SessionDep, icp_id: str | None = None) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    s.check_csrf(form.get("csrf"))
    mode = "json" if form.get("mode") == "json" else "form"
    values = {f.path: form.get(f.path, "") for f in forms.ICP_FIELDS}
    pasted = form.get("definition", "")
    if mode == "json":
        body, problem = forms.parse_json(pasted)
        if body is None:
            return _icp_form(
                request, s, icp_id=icp_id, values=values, pasted=pasted, mode=mode,
                errors={"definition": problem or "invalid"}, status_code=422,
            )  # fmt: skip
    else:
        body = forms.body_from_form(form)
    if icp_id is None:
        answer = await s.call("POST", "/icps", json=body)
    else:
        answer = await s.call("PUT", f"/icps/{icp_id}", json=body)
    if answer.status == 422:
        return _icp_form(
            request, s, icp_id=icp_id, values=values, pasted=pasted, mode=mode,
            errors=answer.field_errors(), status_code=422,
        )  # fmt: skip
    if not answer.ok:
        return _error_page(request, s, answer)
    return see_other(f"/console/launch?icp={answer.body['id']}")


# ----------------------------------------------------------------------------- launch
def _launch_values(source: Any) -> dict[str, Any]:
    platforms = source.getlist("platforms") if hasattr(source, "getlist") else []
    sent = "sent" in source
    return {
        "icp": source.get("icp") or "",
        "name": source.get("name") or "",
        "platforms": platforms or [Platform.LINKEDIN.value],
        "maxProspects": source.get("maxProspects") or "100",
        "minMatchScore": source.get("minMatchScore") or "0.75",
        # An unticked box sends nothing: the defaults (on) hold only before the form was sent.
        "autoEnrich": source.get("autoEnrich", "" if sent else "on") == "on",
        "autoConvert": source.get("autoConvert", "" if sent else "on") == "on",
    }


async def _launch_page(
    request: Request,
    s: Session,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    listing = await s.get("/icps", limit=100)
    icp_list = listing.body["items"] if listing.ok else []
    preview = None
    if values["icp"]:
        answer = await s.call(
            "POST",
            f"/icps/{values['icp']}/criteria-preview",
            json={"platforms": values["platforms"]},
        )
        if answer.ok:
            preview = answer.body["platforms"]
        else:
            errors = {**(errors or {}), "icpId": answer.message}
    if not values["name"] and values["icp"]:
        chosen = next((i for i in icp_list if i["id"] == values["icp"]), None)
        values["name"] = chosen["name"] if chosen else ""
    return page(
        request,
        "launch.html",
        s,
        icps=icp_list,
        v=values,
        preview=preview,
        errors=errors or {},
        status_code=status_code,
    )


@router.get("/launch", response_class=HTMLResponse)
async def launch_page(request: Request, s: SessionDep) -> HTMLResponse:
    return await _launch_page(request, s, _launch_values(request.query_params))


@router.post("/launch", response_class=HTMLResponse)
async def launch(request: Request, s: SessionDep) -> Response:
    form = await request.form()
    s.check_csrf(str(form.get("csrf") or ""))
    values = _launch_values(form)
    if form.get("action") == "preview" or not values["icp"]:
        errors = {} if values["icp"] else {"icpId": "pick an ICP"}
        return await _launch_page(request, s, values, errors)
    body: dict[str, Any] = {
        "icpId": values["icp"],
        "name": values["name"],
        "platforms": values["platforms"],
        "options": {
            "maxProspects": _number(values["maxProspects"], int),
            "minMatchScore": _number(values["minMatchScore"], float),
            "autoEnrich": values["autoEnrich"],
            "autoConvert": values["autoConvert"],
        },
    }
    answer = await s.call("POST", "/prospecting/campaigns", json=body)
    if answer.status == 422:
        return await _launch_page(request, s, values, answer.field_errors(), 422)
    if not answer.ok:
        return _error_page(request, s, answer)
    return see_other(f"/console/campaigns/{answer.body['campaignId']}")


def _number(raw: Any, kind: type) -> Any:
    """The typed number, or the raw text so the API names the field in its 422."""
    try:
        return kind(raw)
    except (TypeError, ValueError):
        return raw


# ----------------------------------------------------------------------------- review
@router.get("/review", response_class=HTMLResponse)
async def review(request: Request, s: SessionDep) -> HTMLResponse:
    listing = await s.get("/prospecting/campaigns", limit=100)
    if not listing.ok:
        return _error_page(request, s, listing)
    campaign_list = listing.body["items"]
    chosen = request.query_params.get("campaign") or (
        campaign_list[0]["id"] if campaign_list else ""
    )
    prospects: list[dict[str, Any]] = []
    next_cursor = None
    if chosen:
        answer = await s.get(
            f"/prospecting/campaigns/{chosen}/prospects",
            status="review",
            limit=50,
            cursor=request.query_params.get("cursor"),
        )
        if not answer.ok:
            return _error_page(request, s, answer)
        prospects, next_cursor = answer.body["items"], answer.body["nextCursor"]
    return page(
        request,
        "review.html",
        s,
        campaigns=campaign_list,
        chosen=chosen,
        prospects=prospects,
        next_cursor=next_cursor,
        notice=request.query_params.get("notice"),
    )


@router.post("/review")
async def decide(request: Request, s: SessionDep) -> Response:
    """One decision (``one`` = "id:convert") or the same one for every ticked prospect."""
    form = await request.form()
    s.check_csrf(str(form.get("csrf") or ""))
    campaign = str(form.get("campaign") or "")
    if form.get("one"):
        prospect, _, action = str(form["one"]).partition(":")
        decisions = [(prospect, action)]
    else:
        action = str(form.get("action") or "")
        decisions = [(str(p), action) for p in form.getlist("ids")]
    done, failed = 0, []
    for prospect, verb in decisions:
        if verb not in ("convert", "reject"):
            continue
        answer = await s.call(
            "POST", f"/prospecting/prospects/{prospect}/{verb}", json={"campaignId": campaign}
        )
        if answer.ok:
            done += 1
        else:
            failed.append(answer.message)
    notice = f"{done} decision(s) accepted"
    if failed:
        notice += f"; {len(failed)} refused: {failed[0]}"
    elif not decisions:
        notice = "nothing selected"
    return see_other(f"/console/review?{urlencode({'campaign': campaign, 'notice': notice})}")


# ----------------------------------------------------------------------------- leads
@router.get("/leads", response_class=HTMLResponse)
async def leads(request: Request, s: SessionDep) -> HTMLResponse:
    campaign = request.query_params.get("campaign")
    answer = await s.get("/leads", campaignId=campaign, limit=100)
    if not answer.ok:
        return _error_page(request, s, answer)
    return page(request, "leads.html", s, leads=answer.body["items"], campaign=campaign)


# ----------------------------------------------------------------------------- analytics
@router.get("/analytics", response_class=HTMLResponse)
async def analytics(request: Request, s: SessionDep) -> HTMLResponse:
    """Every campaign's quality and cost per qualified lead, and two of them (A and B,
    e.g. two ICP variants on the same platforms) side by side."""
    listing = await s.get("/prospecting/campaigns", limit=20)
    if not listing.ok:
        return _error_page(request, s, listing)
    campaign_list = listing.body["items"]
    all_stats = await asyncio.gather(
        *(s.get(f"/prospecting/campaigns/{c['id']}/analytics") for c in campaign_list)
    )
    stats = {c["id"]: a.body for c, a in zip(campaign_list, all_stats, strict=True) if a.ok}
    params = request.query_params
    default_a = campaign_list[0]["id"] if campaign_list else ""
    pick_a, pick_b = params.get("a", default_a), params.get("b", "")
    compared = []
    for pick in (pick_a, pick_b):
        if not pick:
            continue
        if pick not in stats:
            answer = await s.get(f"/prospecting/campaigns/{pick}/analytics")
            if not answer.ok:
                return _error_page(request, s, answer)
            stats[pick] = answer.body
        compared.append(stats[pick])
    icp_listing = await s.get("/icps", limit=100)
    icp_names = {i["id"]: i["name"] for i in icp_listing.body["items"]} if icp_listing.ok else {}
    return page(
        request,
        "analytics.html",
        s,
        campaigns=campaign_list,
        stats=stats,
        a=pick_a,
        b=pick_b,
        compared=compared,
        icp_names=icp_names,
    )

"""The access matrix (issue 8; OWASP API1 BOLA, API5 broken function-level authorisation):
every route of the app × every role × the caller's own team or another team's ids.

The routes come from ``app.routes`` itself, so a route added without an entry in
:data:`TABLE` fails here. Each entry names the permissions that open the route (spec §12.3,
``domain.permissions``) and what an allowed caller gets for its own team's ids and for
another team's; a role without the permissions gets 403 either way. Every case also checks:

- nothing of the other team appears in any answer (ids, names, its job), unless the caller
  put it in the request itself;
- an answer other than 2xx published no event;
- a sales_rep or viewer sees only the prospects and leads assigned to them, a manager or
  admin the whole team's.

A test at the end checks the code declares the same permissions as the table (the
``require`` dependency of each route), and that the other team's data is as it was.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from leadgen_common.auth import Role
from leadgen_common.contracts import team_id_for
from leadgen_common.db.schema import (
    campaigns,
    icp_vectors,
    icps,
    leads,
    prospect_vectors,
    prospects,
    webhook_registrations,
)
from leadgen_gateway.domain.permissions import (
    CHANGE_LEAD_STATUS,
    VIEW,
    VIEW_WHOLE_TEAM,
    Permission,
    allows_any,
)
from leadgen_gateway.main import create_app
from leadgen_gateway.settings import GatewaySettings
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from .conftest import SAMPLE_ICP, Api, Seed, create_icp, running_gateway

ICP_BODY = json.loads(SAMPLE_ICP.read_text())
MODEL = "all-MiniLM-L6-v2-onnx-int8"
WEBHOOK_URL = "https://93.184.216.34/hook"  # public and literal: no DNS in the tests


def api_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """(method, full path, route) of every ``/api/v1`` route in ``app.routes``, through the
    included routers (which FastAPI keeps as branches resolved on use)."""

    def walk(routes: Iterable[Any]) -> Iterator[tuple[str, APIRoute]]:
        for route in routes:
            if hasattr(route, "effective_candidates"):  # an included router
                yield from walk(route.effective_candidates())
            elif isinstance(getattr(route, "original_route", None), APIRoute):  # one of its
                yield route.path, route.original_route
            elif isinstance(route, APIRoute):
                yield route.path, route

    return sorted(
        (method, path, route)
        for path, route in walk(app.routes)
        if path.startswith("/api/v1/")
        for method in route.methods
    )


APP = create_app(GatewaySettings(environment="test", kafka_bootstrap_servers="127.0.0.1:1"))
#: The app's own routes (built without a database, as the OpenAPI export is).
APP_ROUTES = [(method, path) for method, path, _ in api_routes(APP)]
ROLES = tuple(Role)
TENANTS = ("own", "other")


# ------------------------------------------------------------------------------ the world
@dataclass
class Side:
    """One team's data. ``assigned[subject]`` is a prospect (converted, with a lead) assigned
    to that subject; ``nobody`` one assigned to no one; ``review`` one in review (no lead)."""

    team: str
    icp_id: str = ""
    campaign_id: str = ""
    review: uuid.UUID = uuid.UUID(int=0)
    nobody: uuid.UUID = uuid.UUID(int=0)
    assigned: dict[str, uuid.UUID] = field(default_factory=dict)
    lead_of: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    job_id: str = ""
    webhook_id: str = ""
    icp_updated_at: Any = None

    @property
    def team_id(self) -> uuid.UUID:
        return team_id_for(self.team)

    def subject(self, role: Role) -> str:
        return f"{role.value}@{self.team}"

    def all_prospects(self) -> set[uuid.UUID]:
        return {self.review, self.nobody, *self.assigned.values()}

    def markers(self) -> set[str]:
        """Strings of this team that no other team may ever read."""
        ids = {self.icp_id, self.campaign_id, self.job_id, self.webhook_id}
        ids |= {str(self.team_id), self.team}
        ids |= {str(p) for p in self.all_prospects()} | {str(x) for x in self.lead_of.values()}
        return ids


@dataclass
class World:
    api: Api
    seed: Seed
    admin_engine: AsyncEngine
    own: Side
    other: Side

    def side(self, tenant: str) -> Side:
        return self.own if tenant == "own" else self.other

    def auth(self, side: Side, role: Role = Role.ADMIN) -> dict[str, str]:
        return self.api.auth(side.team, role)

    async def fresh_icp(self, side: Side) -> str:
        return await create_icp(self.api, side.team, ICP_BODY)


def vector(*weights: float) -> list[float]:
    v = [0.0] * 384
    v[: len(weights)] = weights
    norm = sum(x * x for x in v) ** 0.5
    return [x / norm for x in v]


async def assign(engine: AsyncEngine, prospect_id: uuid.UUID, subject: str) -> None:
    """What lead-writer does with an assignment: the prospect and its lead."""
    async with engine.begin() as conn:
        await conn.execute(
            update(prospects).where(prospects.c.id == prospect_id).values(assignee=subject)
        )
        await conn.execute(
            update(leads).where(leads.c.prospect_id == prospect_id).values(assignee=subject)
        )


async def build_side(api: Api, seed: Seed, admin_engine: AsyncEngine, team: str) -> Side:
    side = Side(team)
    headers = api.auth(team)
    side.icp_id = await create_icp(api, team, ICP_BODY)
    body = {"icpId": side.icp_id, "name": "matrix", "platforms": ["linkedin"]}
    body["options"] = {"maxProspects": 5, "autoConvert": False}
    response = await api.client.post("/api/v1/prospecting/campaigns", json=body, headers=headers)
    side.campaign_id = response.json()["campaignId"]
    tid, cid = side.team_id, uuid.UUID(side.campaign_id)
    side.review = await seed.prospect(tid, cid, f"{team}-review", status="review", score=0.7)
    side.nobody = await seed.prospect(tid, cid, f"{team}-nobody", status="converted", score=0.9)
    side.lead_of[side.nobody] = await seed.lead(tid, side.nobody, cid)
    for role in ROLES:
        pid = await seed.prospect(tid, cid, f"{team}-{role.value}", status="converted", score=0.8)
        side.lead_of[pid] = await seed.lead(tid, pid, cid)
        side.assigned[side.subject(role)] = pid
        await assign(admin_engine, pid, side.subject(role))
    async with admin_engine.begin() as conn:  # scoring's vectors, for the similar routes
        await conn.execute(
            icp_vectors.insert().values(
                campaign_id=cid,
                team_id=tid,
                icp_id=uuid.UUID(side.icp_id),
                model=MODEL,
                embedding=vector(1, 0),
            )
        )
        for n, pid in enumerate(sorted(side.all_prospects())):
            await conn.execute(
                prospect_vectors.insert().values(
                    prospect_id=pid, team_id=tid, model=MODEL, embedding=vector(1, n / 10)
                )
            )
        query = select(icps.c.updated_at).where(icps.c.id == uuid.UUID(side.icp_id))
        side.icp_updated_at = (await conn.execute(query)).scalar_one()
    path = f"/api/v1/enrichment/prospects/{side.review}"
    side.job_id = (await api.client.post(path, headers=headers)).json()["jobId"]
    hook = {"url": WEBHOOK_URL, "description": f"{team} hook"}
    side.webhook_id = (
        await api.client.post("/api/v1/webhooks", json=hook, headers=headers)
    ).json()["id"]
    return side


@pytest.fixture(scope="module")
async def matrix_api(settings: GatewaySettings, gateway_engine: AsyncEngine) -> AsyncIterator[Api]:
    """One app for the module, as conftest's ``api`` builds it, with the rate limit off
    (test_rate_limit covers it)."""
    settings = settings.model_copy(update={"api_rate_limit_per_minute": 0})
    async with running_gateway(settings, gateway_engine) as api:
        yield api


@pytest.fixture(scope="module")
async def world(matrix_api: Api, admin_engine: AsyncEngine) -> World:
    seed = Seed(admin_engine)
    suffix = uuid.uuid4().hex[:10]
    own = await build_side(matrix_api, seed, admin_engine, f"matrix-a-{suffix}")
    other = await build_side(matrix_api, seed, admin_engine, f"matrix-b-{suffix}")
    return World(matrix_api, seed, admin_engine, own, other)


# ------------------------------------------------------------------------------ the table
@dataclass(frozen=True)
class Call:
    path: str
    json: Any = None
    params: dict[str, str] | None = None


Build = Callable[[World, Side, Role], Awaitable[Call]]
Check = Callable[[World, Role, httpx.Response], Awaitable[None] | None]


@dataclass(frozen=True)
class Entry:
    needs: frozenset[Permission]  # any of these opens the route
    ok: int  # an allowed caller with its own team's ids
    build: Build
    other: int = 404  # an allowed caller with another team's ids (or trying to reach it)
    check: Check | None = None  # more about an allowed caller's own-team answer


def fill(template: Any, side: Side) -> Any:
    """``template`` with the placeholders ``{icp_id}``, ``{campaign_id}``, ``{review}``,
    ``{job_id}``, ``{webhook_id}`` and ``{team_id}`` replaced by the side's values, in
    strings at any depth."""
    if isinstance(template, str):
        for name in ("icp_id", "campaign_id", "review", "job_id", "team_id", "webhook_id"):
            template = template.replace(f"{{{name}}}", str(getattr(side, name)))
        return template
    if isinstance(template, dict):
        return {k: fill(v, side) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, side) for v in template]
    return template


def call(path: str, json_body: Any = None, **params: str) -> Build:
    """A request of the side's resources (placeholders: :func:`fill`)."""

    async def build(world: World, side: Side, role: Role) -> Call:
        return Call(fill(path, side), fill(json_body, side), fill(params, side) or None)

    return build


def sees(role: Role, side: Side) -> set[uuid.UUID]:
    """The prospects of ``side`` (the caller's team) a role may read."""
    if allows_any(role, VIEW_WHOLE_TEAM):
        return side.all_prospects()
    return {side.assigned[side.subject(role)]}


def check_prospect_listing(world: World, role: Role, response: httpx.Response) -> None:
    got = {uuid.UUID(item["id"]) for item in response.json()["items"]}
    assert got == sees(role, world.own), role


def check_lead_listing(world: World, role: Role, response: httpx.Response) -> None:
    got = {uuid.UUID(item["prospectId"]) for item in response.json()["items"]}
    assert got == sees(role, world.own) - {world.own.review}, role  # review has no lead


def check_export(world: World, role: Role, response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("text/csv")
    rows = response.text.strip().splitlines()[1:]
    assert {row.split(",")[1] for row in rows} == {
        str(p) for p in world.own.all_prospects() - {world.own.review}
    }


def own_or_other(own: Build, other: Build) -> Build:
    async def build(world: World, side: Side, role: Role) -> Call:
        return await (own if side is world.own else other)(world, side, role)

    return build


async def fresh_icp_path(world: World, side: Side, role: Role) -> Call:
    """Deleting needs an ICP of its own per case (the other team's stays: it must survive)."""
    icp_id = await world.fresh_icp(side) if side is world.own else side.icp_id
    return Call(f"/api/v1/icps/{icp_id}")


async def lead_to_update(world: World, side: Side, role: Role) -> Call:
    """A lead the caller could update in its own team (for a rep: one assigned to it)."""
    pid = side.assigned[side.subject(role)] if side is world.own else side.nobody
    return Call(f"/api/v1/leads/{side.lead_of[pid]}", {"status": "contacted"})


async def prospect_to_erase(world: World, side: Side, role: Role) -> Call:
    if side is world.own:
        pid = await world.seed.prospect(side.team_id, uuid.uuid4(), f"erase-{uuid.uuid4().hex}")
    else:
        pid = side.review
    return Call(f"/api/v1/prospects/{pid}")


async def webhook_to_delete(world: World, side: Side, role: Role) -> Call:
    """Deleting needs a webhook of its own per case (the other team's must survive)."""
    if side is world.own:
        body = {"url": WEBHOOK_URL}
        response = await world.api.client.post(
            "/api/v1/webhooks", json=body, headers=world.auth(side)
        )
        return Call(f"/api/v1/webhooks/{response.json()['id']}")
    return Call(f"/api/v1/webhooks/{side.webhook_id}")


MANAGE = frozenset({Permission.CREATE_CAMPAIGN})
#: Webhooks send every new lead's contact details out: the export permission.
EXPORT = frozenset({Permission.EXPORT_DATA})
CAMPAIGN = {"icpId": "{icp_id}", "name": "m", "platforms": ["linkedin"]}

TABLE: dict[tuple[str, str], Entry] = {
    ("POST", "/api/v1/icps"): Entry(
        MANAGE,
        201,
        own_or_other(
            call("/api/v1/icps", ICP_BODY),
            # another team is out of reach through the body: a teamId is refused (API3)
            call("/api/v1/icps", {**ICP_BODY, "teamId": "{team_id}"}),
        ),
        other=422,
    ),
    ("GET", "/api/v1/icps"): Entry(VIEW, 200, call("/api/v1/icps"), other=200),
    ("GET", "/api/v1/icps/{icp_id}"): Entry(VIEW, 200, call("/api/v1/icps/{icp_id}")),
    ("PUT", "/api/v1/icps/{icp_id}"): Entry(MANAGE, 200, call("/api/v1/icps/{icp_id}", ICP_BODY)),
    ("DELETE", "/api/v1/icps/{icp_id}"): Entry(MANAGE, 204, fresh_icp_path),
    ("POST", "/api/v1/icps/{icp_id}/criteria-preview"): Entry(
        VIEW, 200, call("/api/v1/icps/{icp_id}/criteria-preview", {"platforms": ["linkedin"]})
    ),
    ("POST", "/api/v1/icps/{icp_id}/lookalike"): Entry(
        MANAGE, 202, call("/api/v1/icps/{icp_id}/lookalike", {"platforms": ["linkedin"]})
    ),
    ("GET", "/api/v1/icps/{icp_id}/lookalike"): Entry(
        VIEW, 200, call("/api/v1/icps/{icp_id}/lookalike")
    ),
    ("GET", "/api/v1/icps/{icp_id}/similar"): Entry(
        VIEW_WHOLE_TEAM, 200, call("/api/v1/icps/{icp_id}/similar")
    ),
    ("GET", "/api/v1/prospects/{prospect_id}/similar"): Entry(
        VIEW_WHOLE_TEAM, 200, call("/api/v1/prospects/{review}/similar")
    ),
    ("POST", "/api/v1/prospecting/campaigns"): Entry(
        MANAGE, 202, call("/api/v1/prospecting/campaigns", CAMPAIGN)
    ),
    ("GET", "/api/v1/prospecting/campaigns"): Entry(
        VIEW, 200, call("/api/v1/prospecting/campaigns"), other=200
    ),
    ("GET", "/api/v1/prospecting/campaigns/{campaign_id}"): Entry(
        VIEW, 200, call("/api/v1/prospecting/campaigns/{campaign_id}")
    ),
    # Aggregates only (issue 11's analytics): every reader of the campaign.
    ("GET", "/api/v1/prospecting/campaigns/{campaign_id}/analytics"): Entry(
        VIEW, 200, call("/api/v1/prospecting/campaigns/{campaign_id}/analytics")
    ),
    ("PATCH", "/api/v1/prospecting/campaigns/{campaign_id}"): Entry(
        MANAGE, 202, call("/api/v1/prospecting/campaigns/{campaign_id}", {"status": "paused"})
    ),
    ("GET", "/api/v1/prospecting/campaigns/{campaign_id}/prospects"): Entry(
        VIEW,
        200,
        call("/api/v1/prospecting/campaigns/{campaign_id}/prospects"),
        check=check_prospect_listing,
    ),
    ("POST", "/api/v1/prospecting/prospects/{prospect_id}/convert"): Entry(
        MANAGE, 202, call("/api/v1/prospecting/prospects/{review}/convert")
    ),
    ("POST", "/api/v1/prospecting/prospects/{prospect_id}/reject"): Entry(
        MANAGE, 202, call("/api/v1/prospecting/prospects/{review}/reject")
    ),
    ("PATCH", "/api/v1/prospects/{prospect_id}"): Entry(
        MANAGE, 202, call("/api/v1/prospects/{review}", {"title": "CTO"})
    ),
    ("POST", "/api/v1/enrichment/prospects/{prospect_id}"): Entry(
        MANAGE, 202, call("/api/v1/enrichment/prospects/{review}")
    ),
    ("POST", "/api/v1/enrichment/batch"): Entry(
        MANAGE,
        202,
        call("/api/v1/enrichment/batch", {"prospectIds": ["{review}"]}),
        other=422,  # unknown_prospects, naming only the id the caller sent
    ),
    ("GET", "/api/v1/enrichment/jobs/{job_id}"): Entry(
        VIEW_WHOLE_TEAM, 200, call("/api/v1/enrichment/jobs/{job_id}")
    ),
    ("GET", "/api/v1/leads"): Entry(
        VIEW,
        200,
        own_or_other(call("/api/v1/leads"), call("/api/v1/leads", campaignId="{campaign_id}")),
        other=200,
        check=check_lead_listing,
    ),
    ("PATCH", "/api/v1/leads/{lead_id}"): Entry(CHANGE_LEAD_STATUS, 202, lead_to_update),
    ("GET", "/api/v1/leads/export"): Entry(
        frozenset({Permission.EXPORT_DATA}),
        200,
        own_or_other(
            call("/api/v1/leads/export"), call("/api/v1/leads/export", campaignId="{campaign_id}")
        ),
        other=200,
        check=check_export,
    ),
    # GDPR erasure (issue 8): admin only.
    ("DELETE", "/api/v1/prospects/{prospect_id}"): Entry(
        frozenset({Permission.DELETE}), 202, prospect_to_erase
    ),
    # Webhooks (issue 11): who may export the team's leads.
    ("POST", "/api/v1/webhooks"): Entry(
        EXPORT,
        201,
        own_or_other(
            call("/api/v1/webhooks", {"url": WEBHOOK_URL}),
            call("/api/v1/webhooks", {"url": WEBHOOK_URL, "teamId": "{team_id}"}),
        ),
        other=422,
    ),
    ("GET", "/api/v1/webhooks"): Entry(EXPORT, 200, call("/api/v1/webhooks"), other=200),
    ("GET", "/api/v1/webhooks/{webhook_id}"): Entry(
        EXPORT, 200, call("/api/v1/webhooks/{webhook_id}")
    ),
    ("PATCH", "/api/v1/webhooks/{webhook_id}"): Entry(
        EXPORT, 200, call("/api/v1/webhooks/{webhook_id}", {"description": "changed"})
    ),
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): Entry(EXPORT, 204, webhook_to_delete),
    ("GET", "/api/v1/webhooks/{webhook_id}/deliveries"): Entry(
        EXPORT, 200, call("/api/v1/webhooks/{webhook_id}/deliveries")
    ),
    # A team's opt-outs: managers and admins; another team is out of reach through the body.
    ("POST", "/api/v1/suppressions"): Entry(
        MANAGE,
        202,
        own_or_other(
            call("/api/v1/suppressions", {"kind": "domain", "value": "optout.example"}),
            call(
                "/api/v1/suppressions",
                {"kind": "domain", "value": "optout.example", "teamId": "{team_id}"},
            ),
        ),
        other=422,
    ),
}


# ------------------------------------------------------------------------------ the cases
CASES = [(m, p, role, tenant) for m, p in APP_ROUTES for role in ROLES for tenant in TENANTS]


def expected(entry: Entry, role: Role, tenant: str) -> int:
    if not allows_any(role, entry.needs):
        return 403
    return entry.ok if tenant == "own" else entry.other


def _published(api: Api) -> int:
    return sum(len(events) for events in api.published.values())


@pytest.mark.parametrize(
    ("method", "path", "role", "tenant"),
    CASES,
    ids=[f"{m} {p} {r.value} {t}" for m, p, r, t in CASES],
)
async def test_access(world: World, method: str, path: str, role: Role, tenant: str) -> None:
    entry = TABLE.get((method, path))
    assert entry is not None, f"{method} {path} has no entry in the access matrix"
    side = world.side(tenant)
    request = await entry.build(world, side, role)
    before = _published(world.api)
    response = await world.api.client.request(
        method,
        request.path,
        json=request.json,
        params=request.params,
        headers=world.auth(world.own, role),
    )
    want = expected(entry, role, tenant)
    assert response.status_code == want, (method, request.path, role, tenant, response.text)
    if want == 403:
        assert response.json()["code"] == "forbidden"
    if want >= 400:
        assert _published(world.api) == before, "a refused request published an event"
    sent = json.dumps([request.path, request.json, request.params], default=str)
    leaked = {m for m in world.other.markers() if m and m in response.text and m not in sent}
    assert not leaked, f"another team's data in the answer: {leaked}"
    if tenant == "own" and want < 300 and entry.check is not None:
        outcome = entry.check(world, role, response)
        if outcome is not None:
            await outcome


def test_the_matrix_covers_every_route_role_and_tenant() -> None:
    """Every route of the app has an entry, and each entry's route exists; prints how many
    cases run."""
    routes = set(APP_ROUTES)
    missing = sorted(routes - TABLE.keys())
    assert not missing, f"routes without an entry in the access matrix: {missing}"
    assert TABLE.keys() <= routes, sorted(TABLE.keys() - routes)
    assert len(CASES) == len(routes) * len(ROLES) * len(TENANTS)
    print(
        f"\naccess matrix: {len(routes)} routes x {len(ROLES)} roles x {len(TENANTS)} tenants"
        f" = {len(CASES)} cases"
    )


def _permissions_of(route: APIRoute) -> set[frozenset[Permission]]:
    found: set[frozenset[Permission]] = set()
    stack = list(route.dependant.dependencies)
    while stack:
        dependant = stack.pop()
        if hasattr(dependant.call, "permissions"):
            found.add(dependant.call.permissions)
        stack.extend(dependant.dependencies)
    return found


def test_every_route_requires_what_the_table_says() -> None:
    """The permissions each route's ``require`` dependency checks are the table's."""
    for method, path, route in api_routes(APP):
        assert _permissions_of(route) == {TABLE[(method, path)].needs}, (method, path)


def test_the_route_list_is_the_served_one() -> None:
    """The routes walked out of app.routes are exactly the operations OpenAPI serves (so
    the matrix cannot silently miss a route FastAPI hides in a new kind of branch)."""
    served = {
        (method.upper(), path)
        for path, operations in APP.openapi()["paths"].items()
        if path.startswith("/api/v1/")
        for method in operations
    }
    assert set(APP_ROUTES) == served


async def test_the_other_team_is_as_it_was(world: World) -> None:
    """After every case: the other team's ICP still exists, unchanged, its campaign still
    runs, its prospects are assigned as seeded and none was erased."""
    other = world.other
    async with world.admin_engine.connect() as conn:
        icp = (await conn.execute(select(icps).where(icps.c.id == uuid.UUID(other.icp_id)))).one()
        campaign = (
            await conn.execute(
                select(campaigns).where(campaigns.c.id == uuid.UUID(other.campaign_id))
            )
        ).one()
        query = select(prospects.c.id, prospects.c.assignee, prospects.c.erased_at)
        people = (await conn.execute(query.where(prospects.c.team_id == other.team_id))).all()
    owners = {person.id: person.assignee for person in people}
    assert all(person.erased_at is None for person in people)
    assert icp.deleted_at is None
    assert icp.updated_at == other.icp_updated_at
    assert campaign.requested_status == "running"
    assert owners[other.nobody] is None and owners[other.review] is None
    assert {owners[p] for p in other.assigned.values()} == set(other.assigned)
    async with world.admin_engine.connect() as conn:
        hook = (
            await conn.execute(
                select(webhook_registrations).where(
                    webhook_registrations.c.id == uuid.UUID(other.webhook_id)
                )
            )
        ).one()
    assert hook.description == f"{other.team} hook" and hook.enabled

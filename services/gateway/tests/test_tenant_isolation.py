"""Tenant isolation below the handlers: the gateway reaches Postgres only through
``Database.transaction(principal)``, which scopes the transaction to the token's team, and
row-level security (revision 0008) then hides and protects every other team's rows even
from a query that forgets its own team filter."""

from __future__ import annotations

import uuid

import pytest
from leadgen_common.auth import Principal, verify_token
from leadgen_common.contracts import team_id_for
from leadgen_common.db.schema import audit_log, icps, leads, prospects, teams
from leadgen_gateway.adapters.database import Database
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine


def _principal(api, team: str) -> Principal:
    """The principal the gateway would take from this team's token."""
    return verify_token(api.settings, api.token(team))


@pytest.fixture
async def two_teams(api, seed, make_icp):
    """Two teams, each with an ICP (through the API) and a prospect with a lead."""
    out = {}
    for name in (f"a-{uuid.uuid4().hex[:8]}", f"b-{uuid.uuid4().hex[:8]}"):
        team_id = team_id_for(name)
        icp_id = uuid.UUID(await make_icp(name))
        campaign_id = uuid.uuid4()
        prospect_id = await seed.prospect(team_id, campaign_id, f"p-{name}", score=0.9)
        await seed.lead(team_id, prospect_id, campaign_id)
        out[name] = {"team_id": team_id, "icp_id": icp_id, "prospect_id": prospect_id}
    return out


def test_the_database_hands_out_no_unscoped_connection() -> None:
    """No engine or bare connection: a transaction needs the authenticated principal."""
    public = {name for name in dir(Database) if not name.startswith("_")}
    assert public == {"transaction", "open", "close", "ping", "from_engine"}


async def test_a_query_without_a_team_filter_sees_only_the_principals_team(
    api, gateway_engine: AsyncEngine, two_teams
) -> None:
    db = Database.from_engine(gateway_engine)
    for name, mine in two_teams.items():
        async with db.transaction(_principal(api, name)) as conn:
            for table in (icps, prospects, leads, audit_log):
                seen = set((await conn.execute(select(table.c.team_id))).scalars())
                assert seen == {mine["team_id"]}, table.name
            assert set((await conn.execute(select(teams.c.id))).scalars()) == {mine["team_id"]}


async def test_writes_to_another_teams_rows_affect_nothing_or_are_refused(
    api, seed, gateway_engine: AsyncEngine, two_teams
) -> None:
    db = Database.from_engine(gateway_engine)
    (a, ours), (b, theirs) = two_teams.items()
    principal = _principal(api, a)
    async with db.transaction(principal) as conn:
        renamed = await conn.execute(
            update(icps).where(icps.c.id == theirs["icp_id"]).values(name="taken over")
        )
        assert renamed.rowcount == 0
        removed = await conn.execute(delete(icps).where(icps.c.id == theirs["icp_id"]))
        assert removed.rowcount == 0
    for statement in (
        insert(icps).values(team_id=theirs["team_id"], name="planted", definition={}),
        update(icps).where(icps.c.id == ours["icp_id"]).values(team_id=theirs["team_id"]),
    ):
        with pytest.raises(DBAPIError, match="row-level security"):
            async with db.transaction(principal) as conn:
                await conn.execute(statement)
    [row] = await seed.rows(icps, id=theirs["icp_id"])
    assert row["team_id"] == theirs["team_id"] and row["deleted_at"] is None
    assert row["name"] != "taken over"
    assert await seed.rows(icps, name="planted") == []
    response = await api.client.get(f"/api/v1/icps/{theirs['icp_id']}", headers=api.auth(b))
    assert response.status_code == 200


async def test_the_gateways_role_without_a_team_sees_nothing(
    gateway_engine: AsyncEngine, admin_engine: AsyncEngine, two_teams
) -> None:
    async with admin_engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(icps))).scalar() >= 2
    async with gateway_engine.connect() as conn:
        assert await conn.scalar(text("SELECT current_user")) == "leadgen_gateway"
        for table in (icps, prospects, leads, audit_log, teams):
            assert (await conn.execute(select(func.count()).select_from(table))).scalar() == 0


async def test_other_teams_ids_are_not_found_through_the_api(api, two_teams) -> None:
    (a, _), (_, theirs) = two_teams.items()
    headers = api.auth(a)
    assert (
        await api.client.get(f"/api/v1/icps/{theirs['icp_id']}", headers=headers)
    ).status_code == 404
    listed = (await api.client.get("/api/v1/icps", headers=headers)).json()["items"]
    assert str(theirs["icp_id"]) not in {item["id"] for item in listed}
    leads_seen = (await api.client.get("/api/v1/leads", headers=headers)).json()["items"]
    assert str(theirs["prospect_id"]) not in {item["prospectId"] for item in leads_seen}

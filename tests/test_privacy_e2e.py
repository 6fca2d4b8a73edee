"""GDPR erasure through the real stack: a converted prospect of a small campaign is erased
(DELETE /prospects/{id}), then every store is searched for the person — every text, jsonb
and array column of every Postgres table (as the owner role, which row-level security lets
see everything), every Redis key and value, the vector table — and nothing is found; the
person stays listed as erased without personal fields; a second campaign of the same ICP
does not bring them back (their hashed identifiers are on the team's suppression list).

The stack is shared by the session's stack tests, and other teams run the same sample ICP
against the same sandbox, so they legitimately hold the same public person: the search
covers this team's rows (tables with a team_id), rows of tables without one unless a JSON
value names another team, and every Redis key except other teams' enrichment caches.
"""

from __future__ import annotations

import re

import asyncpg
import pytest
from leadgen_common.contracts import team_id_for
from leadgen_common.db.engine import libpq_url
from leadgen_common.suppression import is_digest
from leadgen_common.testing.e2e import Api, read_topic, sample_icp, wait_for
from redis.asyncio import Redis

pytestmark = pytest.mark.stack

TEAM = "e2e-gdpr"
TEAM_ID = str(team_id_for(TEAM))
SEARCHABLE = ("text", "character varying", "jsonb", "json", "ARRAY")
_OTHER_TEAMS_CACHE = re.compile(r"^enrichment:cache(?:-index)?:([0-9a-f-]{36}):")


async def postgres_mentions(admin_url: str, *needles: str) -> list[str]:
    """``table.column ~ needle`` for every searchable column holding one of ``needles``
    (case-insensitive) in a row of this team (see the module docstring)."""
    conn = await asyncpg.connect(libpq_url(admin_url))
    try:
        columns = await conn.fetch(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' ORDER BY table_name, column_name"
        )
        teamed = {r["table_name"] for r in columns if r["column_name"] == "team_id"}
        found = []
        for row in columns:
            if row["data_type"] not in SEARCHABLE:
                continue
            table, column = row["table_name"], row["column_name"]
            where = [f'strpos(lower("{column}"::text), lower($1)) > 0']
            if table in teamed:
                where.append("team_id = $2::uuid")
            elif row["data_type"] == "jsonb":  # e.g. the outbox's envelopes
                where.append(
                    f"NOT (jsonb_typeof(\"{column}\") = 'object' AND \"{column}\" ? 'team_id' "
                    f"AND \"{column}\"->>'team_id' <> $2)"
                )
            sql = f'SELECT count(*) FROM "{table}" WHERE {" AND ".join(where)}'
            for needle in needles:
                args = (needle, TEAM_ID) if len(where) > 1 else (needle,)
                if await conn.fetchval(sql, *args):
                    found.append(f"{table}.{column} ~ {needle}")
        return found
    finally:
        await conn.close()


async def redis_mentions(redis_url: str, *needles: str) -> list[str]:
    """Keys whose name or value holds one of ``needles`` (other teams' caches left out)."""
    redis = Redis.from_url(redis_url)
    found = []
    try:
        async for raw_key in redis.scan_iter(count=1000):
            key = raw_key.decode(errors="replace")
            owner = _OTHER_TEAMS_CACHE.match(key)
            if owner and owner.group(1) != TEAM_ID:
                continue
            kind = (await redis.type(raw_key)).decode()
            values: list[bytes] = []
            if kind == "string":
                values = [await redis.get(raw_key) or b""]
            elif kind == "hash":
                values = [b"%s=%s" % kv for kv in (await redis.hgetall(raw_key)).items()]
            elif kind == "set":
                values = list(await redis.smembers(raw_key))
            elif kind == "list":
                values = await redis.lrange(raw_key, 0, -1)
            elif kind == "zset":
                values = await redis.zrange(raw_key, 0, -1)
            text = " ".join([key, *(v.decode(errors="replace") for v in values)]).lower()
            found += [f"redis {key} ~ {n}" for n in needles if n.lower() in text]
        return found
    finally:
        await redis.aclose()


async def vectors_of(admin_url: str, prospect_id: str) -> int:
    conn = await asyncpg.connect(libpq_url(admin_url))
    try:
        return await conn.fetchval(
            "SELECT count(*) FROM prospect_vectors WHERE prospect_id = $1::uuid", prospect_id
        )
    finally:
        await conn.close()


async def admin_row(admin_url: str, sql: str, *args: object) -> asyncpg.Record:
    conn = await asyncpg.connect(libpq_url(admin_url))
    try:
        return await conn.fetchrow(sql, *args)
    finally:
        await conn.close()


def unique_named(items: list[dict]) -> dict:
    """A converted prospect with an email whose name is in no other item's name."""
    names = [item["name"] or "" for item in items]
    for item in items:
        if item["status"] == "converted" and item["email"]:
            others = [n for n in names if n != item["name"]]
            if names.count(item["name"]) == 1 and not any(item["name"] in n for n in others):
                return item
    raise AssertionError("no converted prospect with an email and a unique name")


async def test_an_erased_lead_is_in_no_store_and_no_later_campaign_finds_them(
    stack, mint_token, stack_home, leadgen_cli
):
    admin_url, redis_url = stack["DATABASE_ADMIN_URL"], stack["REDIS_URL"]
    api = Api(stack["GATEWAY_URL"], mint_token(TEAM, "admin"))
    try:
        icp_id = (await api.ok("POST", "/icps", 201, json=sample_icp()))["id"]
        first = await api.start_campaign(20, icp_id=icp_id, name="gdpr-1")
        await api.wait_completed(first)
        person = unique_named(await api.items(f"/prospecting/campaigns/{first}/prospects"))
        pid = person["id"]
        profile_url = (
            await admin_row(admin_url, "SELECT profile_url FROM prospects WHERE id = $1::uuid", pid)
        )["profile_url"]
        # name, email, profile URL, and the platform's id for the person
        traces = (person["name"], person["email"], profile_url, person["platformProfileId"])
        # The search finds the person before: it would see them after.
        assert any(
            t.endswith(f"~ {person['name']}") for t in await postgres_mentions(admin_url, *traces)
        )
        assert any(
            t.endswith(f"~ {person['email']}") for t in await redis_mentions(redis_url, *traces)
        )
        assert await vectors_of(admin_url, pid) > 0

        accepted = await api.ok("DELETE", f"/prospects/{pid}", 202)
        assert accepted == {"prospectId": pid, "status": "accepted"}

        async def erased_everywhere() -> bool:
            items = await api.items(f"/prospecting/campaigns/{first}/prospects")
            [item] = [i for i in items if i["id"] == pid]
            return (
                item["status"] == "erased"
                and await vectors_of(admin_url, pid) == 0
                and not await redis_mentions(redis_url, *traces)
            )

        await wait_for(erased_everywhere, seconds=20)
        assert await postgres_mentions(admin_url, *traces) == []
        assert await redis_mentions(redis_url, *traces) == []

        # Listed as erased, nothing personal; the lead stays, anonymous.
        items = await api.items(f"/prospecting/campaigns/{first}/prospects")
        [item] = [i for i in items if i["id"] == pid]
        for field in ("name", "title", "company", "location", "email", "phone"):
            assert item[field] is None, field
        assert all(not d["reasons"] for d in item["breakdown"].values())
        row = await admin_row(admin_url, "SELECT * FROM prospects WHERE id = $1::uuid", pid)
        assert (row["contact_info"], row["profile_data"], row["enrichment_data"]) == ("{}",) * 3
        lead = await admin_row(admin_url, "SELECT * FROM leads WHERE prospect_id = $1::uuid", pid)
        assert lead["contact_info"] == "{}" and lead["social_profiles"] == "{}"
        # The audit record stays, without personal data; the suppression list holds hashes.
        audit = await admin_row(
            admin_url,
            "SELECT principal, details::text AS details FROM audit_log "
            "WHERE team_id = $1::uuid AND action = 'prospect.erase' AND resource_id = $2",
            TEAM_ID,
            pid,
        )
        assert (audit["principal"], audit["details"]) == (f"admin@{TEAM}", "{}")
        listed = await _suppressions(admin_url)
        assert {"platform_id", "profile_url", "email"} <= {kind for kind, _, _ in listed}
        assert all(is_digest(value) and reason == "erased" for _, value, reason in listed)
        confirmations = await read_topic(stack["KAFKA_BOOTSTRAP_SERVERS"], "prospect.erased")
        assert pid.encode() in {record.key for record in confirmations}

        # The same ICP again: others fill the campaign, the person is not found again.
        second = await api.start_campaign(20, icp_id=icp_id, name="gdpr-2")
        done = await api.wait_completed(second)
        again = await api.items(f"/prospecting/campaigns/{second}/prospects")
        assert pid not in {i["id"] for i in again}
        assert done["progress"]["discovered"] == len(again) == 20
        assert await postgres_mentions(admin_url, person["email"], profile_url) == []
        assert await redis_mentions(redis_url, person["email"], profile_url) == []
        assert await vectors_of(admin_url, pid) == 0
    finally:
        await api.close()

    # Retention runs against the stack (nothing here is 90 days old: nothing goes).
    result = leadgen_cli(stack_home, "retention", "run", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "deleted 0 prospect(s)" in result.stdout


async def _suppressions(admin_url: str) -> list[tuple[str, str, str]]:
    conn = await asyncpg.connect(libpq_url(admin_url))
    try:
        rows = await conn.fetch(
            "SELECT kind, value, reason FROM suppressions WHERE team_id = $1::uuid", TEAM_ID
        )
        return [(r["kind"], r["value"], r["reason"]) for r in rows]
    finally:
        await conn.close()

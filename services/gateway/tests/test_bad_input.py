"""Bad input at the gateway, case by case (issue 7, "Bad input, everywhere"): oversize
bodies, huge and negative numbers, unicode and injection strings are refused cleanly
(4xx JSON with a stable code) or handled exactly, and a refused request leaves nothing
behind in Postgres."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from .conftest import Api, Seed, create_icp
from .test_openapi_fuzz import OPERATIONS, assert_clean_answer, seed_known_ids

MIB = 1024 * 1024

#: Strings a user (or an attacker) may type, each stored and returned exactly.
HOSTILE_TEXT = [
    "'; DROP TABLE icps; --",
    "Robert'); DELETE FROM campaigns WHERE ('1'='1",
    '" OR 1=1 --',
    "$1::text; SELECT pg_sleep(10)",
    "<script>alert(document.cookie)</script>",
    'javascript:alert(1)//"><img src=x onerror=alert(1)>',
    "{{7*7}} ${7*7} #{7*7}",
    "../../../../etc/passwd",
    "Zoë Ångström 张伟 Дмитрий محمد",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🚀👩🏽‍💻🏳️‍🌈",
    "\u202eevil\u202c right-to-left override",
    "zero\u200bwidth\ufeffjoiners",
    "e\u0301\u0301\u0301 combining marks",
    "tab\tnew\nline\rcarriage",
    "x" * 200,
]
#: JSON strings Postgres cannot store: refused with 422 naming the field.
UNSTORABLE = ['"nul \\u0000 inside"', '"lone \\ud800 surrogate"', '"\\udfff"']


async def gateway_tables(engine: AsyncEngine) -> list[str]:
    """Every table the gateway's role may write (whatever migrations add later)."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "select distinct table_name from information_schema.role_table_grants "
                "where grantee = 'leadgen_gateway' and privilege_type = 'INSERT' "
                "and table_schema = 'public' order by 1"
            )
        )
        return [r[0] for r in rows]


async def snapshot(engine: AsyncEngine, tables: list[str]) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row, per table: catches inserts, updates, deletes."""
    out = {}
    async with engine.connect() as conn:
        for table in tables:
            count, digest = (
                await conn.execute(
                    text(
                        f"select count(*), md5(coalesce(string_agg(t::text, ',' "
                        f"order by t::text), '')) from \"{table}\" t"
                    )
                )
            ).one()
            out[table] = (count, digest)
    return out


@pytest.fixture
async def ids(api: Api, seed: Seed, team: str, icp_body: dict[str, Any]) -> dict[str, str]:
    """One existing id per path parameter name (an ICP, a campaign, a prospect, a lead)."""
    return {k: v[0] for k, v in (await seed_known_ids(api, seed, team, icp_body)).items()}


def url_for(operation: Any, ids: dict[str, str]) -> str:
    path = operation.path
    for parameter in operation.path_parameters:
        path = path.replace(f"{{{parameter.name}}}", ids.get(parameter.name, str(uuid.uuid4())))
    return path


# ---------------------------------------------------------------- oversize
async def test_oversize_bodies_are_413_with_a_json_error(api: Api, team: str) -> None:
    big = json.dumps({"name": "x", "padding": "y" * (2 * MIB)}).encode()
    response = await api.client.post(
        "/api/v1/icps", content=big, headers={**api.auth(team), "content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"

    async def streamed():  # no Content-Length: the limit holds on the stream itself
        for _ in range(40):
            yield b"x" * (64 * 1024)

    response = await api.client.post(
        "/api/v1/icps",
        content=streamed(),
        headers={**api.auth(team), "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"

    # Just under the limit, the body reaches validation (and is refused for its content).
    under = json.dumps({"name": "x", "padding": "y" * (MIB - 100)}).encode()
    assert len(under) <= api.settings.max_body_bytes
    response = await api.client.post(
        "/api/v1/icps",
        content=under,
        headers={**api.auth(team), "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "padding"


async def test_a_campaign_whose_event_would_be_too_large_is_413_and_writes_nothing(
    api: Api, team: str, icp_body: dict[str, Any], admin_engine: AsyncEngine
) -> None:
    icp_id = await create_icp(api, team, icp_body)
    tables = await gateway_tables(admin_engine)
    before = await snapshot(admin_engine, tables)
    criteria = {"linkedin": {f"k{i}": "v" * 1000 for i in range(700)}}  # ~700 KB < 1 MiB body
    response = await api.client.post(
        "/api/v1/prospecting/campaigns",
        json={
            "icpId": icp_id,
            "name": "big",
            "platforms": ["linkedin"],
            "searchCriteria": criteria,
        },
        headers=api.auth(team),
    )
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "payload_too_large"
    assert api.events("campaign.started") == []
    assert await snapshot(admin_engine, tables) == before


# ---------------------------------------------------------------- numbers
LIST_ROUTES = [
    op
    for op in OPERATIONS
    if op.method.upper() == "GET" and any(p.name == "limit" for p in op.query)
]
BAD_LIMITS = ["1" + "0" * 30, "201", "0", "-1", "-99999999999999999999", "1e3", "1.5", "", "NaN"]
BAD_SCORES = ["-0.5", "1.5", "NaN", "inf", "-inf", "1e309"]


async def test_huge_and_negative_numbers_are_refused(api: Api, team: str, ids: dict) -> None:
    auth = api.auth(team)
    published = {topic: len(events) for topic, events in api.published.items()}
    assert LIST_ROUTES, "no list route has a limit?"
    for operation in LIST_ROUTES:
        url = url_for(operation, ids)
        for limit in BAD_LIMITS:
            response = await api.client.get(url, params={"limit": limit}, headers=auth)
            assert_clean_answer(response, f"GET {url}?limit={limit}")
            assert response.status_code == 422, (url, limit, response.text)
            assert response.json()["field"] == "limit"
    prospects = f"/api/v1/prospecting/campaigns/{ids['campaign_id']}/prospects"
    for score in BAD_SCORES:
        response = await api.client.get(prospects, params={"minScore": score}, headers=auth)
        assert_clean_answer(response, f"minScore={score}")
        assert response.status_code == 422 and response.json()["field"] == "minScore", score
    for options, field in (
        ('{"maxProspects": -5}', "options.maxProspects"),
        ('{"maxProspects": 0}', "options.maxProspects"),
        ('{"maxProspects": 1' + "0" * 40 + "}", "options.maxProspects"),
        ('{"minMatchScore": -0.1}', "options.minMatchScore"),
        ('{"minMatchScore": 1e400}', "options.minMatchScore"),
        ('{"minMatchScore": Infinity}', "body"),  # not JSON at all
    ):
        body = (
            f'{{"icpId": "{ids["icp_id"]}", "name": "n", "platforms": ["linkedin"], '
            f'"options": {options}}}'
        )
        response = await api.client.post(
            "/api/v1/prospecting/campaigns",
            content=body,
            headers={**auth, "content-type": "application/json"},
        )
        assert_clean_answer(response, body)
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field, (options, response.json())
    lookalike = f"/api/v1/icps/{ids['icp_id']}/lookalike"
    for body in (
        {"platforms": ["facebook"], "limit": -1},
        {"platforms": ["facebook"], "limit": 10**30},
        {"platforms": ["facebook"], "minScore": -2},
    ):
        response = await api.client.post(lookalike, json=body, headers=auth)
        assert_clean_answer(response, str(body))
        assert response.status_code == 422, (body, response.text)
    assert {topic: len(events) for topic, events in api.published.items()} == published


# ---------------------------------------------------------------- strings
async def test_hostile_text_is_stored_and_returned_exactly(
    api: Api, team: str, icp_body: dict[str, Any]
) -> None:
    auth = api.auth(team)
    for value in HOSTILE_TEXT:
        body = {**icp_body, "name": value}
        body["demographics"] = {**icp_body["demographics"], "jobTitles": [value, "CTO"]}
        created = await api.client.post("/api/v1/icps", json=body, headers=auth)
        assert created.status_code == 201, created.text
        icp = (await api.client.get(f"/api/v1/icps/{created.json()['id']}", headers=auth)).json()
        assert icp["name"] == value.strip()  # ICP text is trimmed, otherwise kept as sent
        assert icp["demographics"]["jobTitles"][0] == value.strip()
        started = await api.client.post(
            "/api/v1/prospecting/campaigns",
            json={"icpId": icp["id"], "name": value, "platforms": ["linkedin"]},
            headers=auth,
        )
        assert started.status_code == 202, started.text
        campaign_id = started.json()["campaignId"]
        listed = (await api.client.get("/api/v1/prospecting/campaigns", headers=auth)).json()
        assert value in [c["name"] for c in listed["items"] if c["id"] == campaign_id]
        # In queries and paths the same strings are refused, never interpreted.
        for response in (
            await api.client.get("/api/v1/leads", params={"status": value}, headers=auth),
            await api.client.get("/api/v1/icps", params={"cursor": value}, headers=auth),
            await api.client.get(f"/api/v1/icps/{quote(value, safe='')}", headers=auth),
        ):
            assert_clean_answer(response, value)
            assert response.status_code in (404, 422), (value, response.text)
    names = [
        i["name"]
        for i in (await api.client.get("/api/v1/icps", params={"limit": 200}, headers=auth)).json()[
            "items"
        ]
    ]
    assert sorted(names) == sorted(v.strip() for v in HOSTILE_TEXT)
    assert len(api.events("campaign.started")) == len(HOSTILE_TEXT)


async def test_text_postgres_cannot_store_is_422_naming_the_field(
    api: Api, team: str, ids: dict
) -> None:
    auth = {**api.auth(team), "content-type": "application/json"}
    published = {topic: len(events) for topic, events in api.published.items()}
    for raw in UNSTORABLE:
        for method, url, body, field in (
            ("POST", "/api/v1/icps", f'{{"name": {raw}}}', "name"),
            (
                "POST",
                "/api/v1/icps",
                f'{{"name": "ok", "demographics": {{"jobTitles": ["CTO", {raw}]}}}}',
                "demographics.jobTitles[1]",
            ),
            (
                "POST",
                "/api/v1/prospecting/campaigns",
                f'{{"icpId": "{ids["icp_id"]}", "name": "n", "platforms": ["linkedin"], '
                f'"searchCriteria": {{"linkedin": {{"title": {raw}}}}}}}',
                "searchCriteria.linkedin.title",
            ),
            (
                "PATCH",
                f"/api/v1/prospecting/campaigns/{ids['campaign_id']}",
                f'{{"status": {raw}}}',
                "status",
            ),
        ):
            response = await api.client.request(method, url, content=body.encode(), headers=auth)
            assert_clean_answer(response, body)
            assert response.status_code == 422, (body, response.text)
            assert response.json()["code"] == "validation_error"
            assert response.json()["field"] == field, response.json()
    response = await api.client.get(
        "/api/v1/leads", params={"status": "new\x00"}, headers=api.auth(team)
    )
    assert response.status_code == 422 and response.json()["field"] == "status"
    assert {topic: len(events) for topic, events in api.published.items()} == published


MALFORMED = [
    b"\xff\xfe not utf-8",
    b"{",
    b'{"name": NaN}',
    b'{"name": "x", "demographics": {"jobTitles": [' + b"[" * 5000 + b"]" * 5000 + b"]}}",
    b'{"name": "x", "n": ' + b"9" * 5000 + b"}",
    b"[]",
    b"null",
    b'"just a string"',
]


async def test_malformed_json_is_422(api: Api, team: str) -> None:
    for body in MALFORMED:
        response = await api.client.post(
            "/api/v1/icps",
            content=body,
            headers={**api.auth(team), "content-type": "application/json"},
        )
        assert_clean_answer(response, repr(body[:40]))
        assert response.status_code == 422, (body[:40], response.text)


# ---------------------------------------------------------------- nothing half-written
async def test_refused_requests_leave_nothing_in_postgres(
    api: Api, team: str, ids: dict, admin_engine: AsyncEngine
) -> None:
    """A batch of refused requests on every route that writes (found in the OpenAPI
    document), then the same rows, to the byte, in every table the gateway may write."""
    auth = api.auth(team)
    await api.client.get("/api/v1/icps", headers=auth)  # the principal exists beforehand
    tables = await gateway_tables(admin_engine)
    assert {"icps", "campaigns", "audit_log", "principals", "teams"} <= set(tables)
    before = await snapshot(admin_engine, tables)
    published = {topic: len(events) for topic, events in api.published.items()}
    writers = [op for op in OPERATIONS if op.method.upper() != "GET"]
    json_type = {**auth, "content-type": "application/json"}
    refused = 0
    for operation in writers:
        # A route without a body (DELETE) is refused only for an id the team does not have.
        for path_ids in (ids, {}) if operation.body else ({},):
            url = url_for(operation, path_ids)
            for body in (
                b"{",
                b'{"unexpected": "field", "name": "\\u0000"}',
                b'{"name": ' + b'"x' + b"y" * (2 * MIB) + b'"}',
                json.dumps({"status": "exploded", "decision": 7, "icpId": "nope"}).encode(),
            ):
                response = await api.client.request(
                    operation.method.upper(), url, content=body, headers=json_type
                )
                what = f"{operation.method.upper()} {url} {body[:60]!r}"
                assert_clean_answer(response, what)
                assert 400 <= response.status_code < 500, f"accepted: {what} -> {response.text}"
                refused += 1
    # Valid shapes refused for what they name: unknown ICP, unknown or finished resources.
    for method, url, body in (
        (
            "POST",
            "/api/v1/prospecting/campaigns",
            {"icpId": str(uuid.uuid4()), "name": "n", "platforms": ["linkedin"]},
        ),
        ("PUT", f"/api/v1/icps/{uuid.uuid4()}", {"name": "n"}),
        ("DELETE", f"/api/v1/icps/{uuid.uuid4()}", None),
        ("PATCH", f"/api/v1/prospecting/campaigns/{uuid.uuid4()}", {"status": "paused"}),
        ("POST", f"/api/v1/prospecting/prospects/{uuid.uuid4()}/convert", {}),
        ("POST", f"/api/v1/icps/{ids['icp_id']}/lookalike", {"platforms": ["myspace"]}),
    ):
        response = await api.client.request(method, url, json=body, headers=auth)
        assert_clean_answer(response, f"{method} {url}")
        assert 400 <= response.status_code < 500, (method, url, response.text)
        refused += 1
    assert refused >= 4 * len(writers)
    assert await snapshot(admin_engine, tables) == before
    assert {topic: len(events) for topic, events in api.published.items()} == published

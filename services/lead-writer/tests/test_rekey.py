"""Key rotation on a real Postgres: after `rekey` every stored contact detail decrypts under
the new key and no row names the old one — with clear text left from before encryption
encrypted on the way, projections running at the same time, unreadable values reported
without stopping the job, and the job running as the database owner (as `leadgen keys
rotate` runs it) or, as a command, as lead-writer's own role."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from leadgen_common.crypto import FieldCipher, Keyring, kid_of
from leadgen_common.db import schema as s
from leadgen_common.db.engine import make_engine
from leadgen_common.testing.pii import TEST_CIPHER, TEST_KID, revealed
from leadgen_lead_writer import rekey as job
from leadgen_lead_writer.projector import Projector
from sqlalchemy import Text, cast, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

NEW_KID = "k_rotated-2"  # "_" is a LIKE wildcard: the job must match the prefix literally
OLD_RING = TEST_CIPHER.source.keyring()
NEW_RING = OLD_RING.rotated(NEW_KID)
ROTATED = FieldCipher(NEW_RING)
#: Only the new key: what reads everything once rotation is done.
RETIRED = FieldCipher(NEW_RING.without([TEST_KID]))
PHONE = "+49 30 1234567"
PEOPLE = {f"p{i:02}": ("qualified" if i % 3 == 0 else "review") for i in range(24)}


@pytest.fixture
async def admin_engine(service, pg_cluster) -> AsyncIterator[AsyncEngine]:
    """The owner role on the service's database (what the dev stack's admin URL is)."""
    url = pg_cluster.role_urls(service.engine.url.database)["admin"]
    engine = make_engine(url)
    yield engine
    await engine.dispose()


async def sealed_rows(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        return [
            *(await conn.execute(select(s.prospects).order_by(s.prospects.c.id))).all(),
            *(await conn.execute(select(s.leads).order_by(s.leads.c.id))).all(),
        ]


async def stored_text(engine: AsyncEngine) -> str:
    async with engine.connect() as conn:
        texts = [
            *(
                await conn.execute(
                    select(cast(s.prospects.c.contact_info, Text)).add_columns(
                        cast(s.prospects.c.enrichment_data, Text)
                    )
                )
            ).all(),
            *(await conn.execute(select(cast(s.leads.c.contact_info, Text)))).all(),
        ]
    return "\n".join(" ".join(part or "" for part in row) for row in texts)


def kids(rows: list[Any]) -> set[str | None]:
    found = set()
    for row in rows:
        for column in ("contact_info", "enrichment_data"):
            for name in ("email", "phone"):
                value = (row._mapping.get(column) or {}).get(name)
                if value is not None:
                    found.add(kid_of(value))
    return found


def clear(rows: list[Any], cipher: FieldCipher) -> list[dict[str, Any]]:
    """Each row's contact details in clear (clear text stored before encryption as is)."""
    out = []
    for row in rows:
        where = {"team_id": row.team_id, "prospect_id": getattr(row, "prospect_id", row.id)}
        enrichment = getattr(row, "enrichment_data", None)
        out.append(
            {
                "contact": cipher.reveal_fields(row.contact_info, ("email", "phone"), **where),
                "enrichment": None
                if enrichment is None
                else cipher.reveal_fields(enrichment, ("email",), **where),
            }
        )
    return out


async def fill(service, campaign, events) -> None:
    await service.send(*events.pipeline(campaign, PEOPLE))
    for person in ("p00", "p01", "p02"):  # a lead, and prospects that are not
        await service.send(campaign.updated(person, {"phone": PHONE}))


async def test_rotation_reseals_every_value_under_the_new_key(
    service, campaign, events, admin_engine
):
    await fill(service, campaign, events)
    # one row from before encryption: clear text
    legacy = campaign.prospect_id("p23")
    async with service.engine.begin() as conn:
        await conn.execute(
            update(s.prospects)
            .where(s.prospects.c.id == legacy)
            .values(contact_info={"email": "legacy@old.example", "email_status": "valid"})
        )
    before = await sealed_rows(service.engine)
    assert kids(before) == {TEST_KID, None}  # None: the clear-text one
    expected = clear(before, TEST_CIPHER)
    assert {"email": "legacy@old.example", "email_status": "valid"} in [
        e["contact"] for e in expected
    ]

    report = await job.rekey(admin_engine, ROTATED, batch_size=5)

    leads = sum(1 for outcome in PEOPLE.values() if outcome == "qualified")
    assert report.complete and report.current_kid == NEW_KID
    assert report.rewritten == {"prospects": len(PEOPLE), "leads": leads}
    assert report.remaining == {"prospects": 0, "leads": 0}
    after = await sealed_rows(service.engine)
    assert kids(after) == {NEW_KID}
    text = await stored_text(service.engine)
    assert f"enc:v1:{TEST_KID}:" not in text and "@" not in text and PHONE not in text
    # every value reads with the new key alone, and reads as it did before
    assert clear(after, RETIRED) == expected
    assert await job.count_stale(service.engine, NEW_KID) == {"prospects": 0, "leads": 0}

    # lead-writer on the new keys goes on: an edit merges into the re-sealed values
    projector = Projector(service.engine, cipher=ROTATED)
    await projector.prospect_update(campaign.updated("p00", {"email": "p00@new.example"}))
    [p00] = [r for r in await sealed_rows(service.engine) if r.id == campaign.prospect_id("p00")]
    assert revealed(p00, RETIRED).contact_info == {"email": "p00@new.example", "phone": PHONE}

    # a second run finds nothing to do
    again = await job.rekey(admin_engine, ROTATED)
    assert again.complete and again.rewritten == {"prospects": 0, "leads": 0}


async def test_rotation_while_lead_writer_projects_with_the_new_key(
    service, campaign, events, admin_engine
):
    await fill(service, campaign, events)
    projector = Projector(service.engine, cipher=ROTATED)
    later = campaign.in_campaign()
    newcomers = {f"n{i:02}": "qualified" for i in range(12)}

    async def project_meanwhile() -> None:
        for person in PEOPLE:
            await projector.prospect_update(campaign.updated(person, {"phone": f"+1 555 {person}"}))
        pipeline = events.pipeline(later, newcomers)
        await projector.campaign_started(pipeline[0])
        for start in range(1, len(pipeline) - 1, 4):
            await projector.prospect_events(pipeline[start : start + 4])

    report, _ = await asyncio.gather(
        job.rekey(admin_engine, ROTATED, batch_size=2, pass_pause_s=0.05),
        project_meanwhile(),
    )

    assert report.complete
    rows = await sealed_rows(service.engine)
    assert kids(rows) == {NEW_KID}
    by_id = {row.id: revealed(row, RETIRED) for row in rows}
    for person in PEOPLE:
        prospect = by_id[campaign.prospect_id(person)]
        assert prospect.contact_info["phone"] == f"+1 555 {person}"
        assert prospect.contact_info["email"] == f"{person}@acme.example"
    for person in newcomers:
        assert by_id[later.prospect_id(person)].contact_info["email"] == f"{person}@acme.example"


async def test_an_unreadable_value_is_reported_and_the_rest_rotated(
    service, campaign, events, admin_engine
):
    await fill(service, campaign, events)
    broken = campaign.prospect_id("p05")
    async with service.engine.begin() as conn:
        info = (
            await conn.execute(select(s.prospects.c.contact_info).where(s.prospects.c.id == broken))
        ).scalar_one()
        tampered = {
            **info,
            "email": info["email"][:-2] + ("AA" if info["email"][-2:] != "AA" else "BB"),
        }
        await conn.execute(
            update(s.prospects).where(s.prospects.c.id == broken).values(contact_info=tampered)
        )

    report = await job.rekey(admin_engine, ROTATED, batch_size=7, max_passes=2, pass_pause_s=0)

    assert not report.complete
    assert report.failed == {"prospects": [str(broken)], "leads": []}
    assert report.remaining == {"prospects": 0, "leads": 0}
    rows = await sealed_rows(service.engine)
    [row] = [r for r in rows if r.id == broken]
    assert row.contact_info == tampered  # left as it was
    assert kids([r for r in rows if r.id != broken]) == {NEW_KID}


async def test_the_command_reads_its_keys_and_database_from_the_environment(
    service, campaign, events, monkeypatch, capsys
):
    await fill(service, campaign, events)
    monkeypatch.setenv("DATABASE_URL", service.engine.url.render_as_string(hide_password=False))
    keys = {kid: base64.b64encode(key).decode() for kid, key in NEW_RING.keys.items()}
    monkeypatch.setenv("PII_KEYS", json.dumps(keys))
    monkeypatch.setenv("PII_KEY_ID", NEW_KID)

    code = await asyncio.to_thread(job.main, ["--batch-size", "4"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert f"prospects: {len(PEOPLE)} row(s) re-encrypted to {NEW_KID}" in out
    assert "complete" in out
    assert kids(await sealed_rows(service.engine)) == {NEW_KID}


async def test_a_key_id_is_matched_literally(service, campaign, events):
    """'_' in a kid is a LIKE wildcard: values under 'axb' are stale for 'a_b'."""
    ring = Keyring("axb", {"axb": bytes(range(32)), "a_b": bytes(range(1, 33))})
    projector = Projector(service.engine, cipher=FieldCipher(ring))
    pipeline = events.pipeline(campaign, {"ann": "qualified"})
    await projector.campaign_started(pipeline[0])
    await projector.prospect_events(pipeline[1:-1])
    assert await job.count_stale(service.engine, "a_b") == {"prospects": 1, "leads": 1}
    assert await job.count_stale(service.engine, "axb") == {"prospects": 0, "leads": 0}

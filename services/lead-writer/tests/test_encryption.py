"""Contact details at rest, on a real Postgres: what lead-writer stores in prospects and
leads holds no clear email or phone (each value is an AES-GCM ciphertext under the
service's key), what it reads back and publishes is in clear, and a ciphertext moved to
another person's row does not decrypt."""

from __future__ import annotations

import uuid

import pytest
from leadgen_common.crypto import DecryptionFailed, kid_of
from leadgen_common.db import schema as s
from leadgen_common.testing.pii import TEST_KID, revealed, stored_in_clear
from leadgen_lead_writer.adapters import prospects
from sqlalchemy import Text, cast, select, update

PHONE = "+49 30 1234567"


async def _raw_text(engine, table, *columns) -> str:
    async with engine.connect() as conn:
        rows = (await conn.execute(select(*(cast(table.c[c], Text) for c in columns)))).all()
    return "\n".join(" ".join(v or "" for v in row) for row in rows)


async def test_stored_contact_details_are_ciphertext_and_read_back_in_clear(
    service, campaign, events
):
    await service.send(*events.pipeline(campaign, {"ann": "qualified", "bob": "review"}))
    await service.send(campaign.updated("bob", {"phone": PHONE}))
    await service.send(campaign.updated("ann", {"phone": PHONE}))  # ann is a lead: it follows

    # No clear address or number anywhere in the stored JSON.
    stored = await _raw_text(service.engine, s.prospects, "contact_info", "enrichment_data")
    stored += await _raw_text(service.engine, s.leads, "contact_info")
    for clear in ("@", PHONE, "1234567"):  # no address, no number (base64url has no @)
        assert clear not in stored
    async with service.engine.connect() as conn:
        ann_row, bob_row = (
            await conn.execute(select(s.prospects).order_by(s.prospects.c.name))
        ).all()
        [lead_row] = (await conn.execute(select(s.leads))).all()
    for row in (ann_row, bob_row, lead_row):
        assert stored_in_clear(row._mapping) == []
        assert kid_of(row.contact_info["email"]) == TEST_KID
        assert row.contact_info["email_status"] == "valid"  # not an identifier: in clear
    assert kid_of(ann_row.enrichment_data["email"]) == TEST_KID
    assert ann_row.enrichment_data["company"]["name"] == "Acme"  # company data stays clear

    # Read back in clear: the rows, lead-writer's own reader, and what lead.created carries.
    assert revealed(ann_row).contact_info == {
        "email": "ann@acme.example",
        "email_status": "valid",
        "phone": PHONE,
    }
    assert revealed(ann_row).enrichment_data["email"] == "ann@acme.example"
    assert revealed(lead_row).contact_info == revealed(ann_row).contact_info
    assert revealed(bob_row).contact_info["phone"] == PHONE
    async with service.engine.connect() as conn:
        record = await prospects.load(conn, service.cipher, campaign.prospect_id("ann"))
        payload = (await conn.execute(select(s.outbox.c.payload))).scalar_one()["payload"]
    assert record.contact_info["email"] == "ann@acme.example"
    assert record.enrichment_data["email"] == "ann@acme.example"
    assert payload["email"] == "ann@acme.example"  # the lead.created contract: in clear
    assert service.dead_letters == []


async def test_every_value_has_its_own_nonce(service, campaign, events):
    """The same address stored twice (prospect, lead, enrichment_data) is three different
    ciphertexts: equal values are not recognisable as stored."""
    await service.send(*events.pipeline(campaign, {"ann": "qualified"}))
    async with service.engine.connect() as conn:
        ann = (await conn.execute(select(s.prospects))).one()
        lead = (await conn.execute(select(s.leads))).one()
    values = {ann.contact_info["email"], ann.enrichment_data["email"], lead.contact_info["email"]}
    assert len(values) == 3
    assert {revealed(ann).contact_info["email"], revealed(lead).contact_info["email"]} == {
        "ann@acme.example"
    }


async def test_a_ciphertext_moved_to_another_persons_row_does_not_decrypt(
    service, campaign, events
):
    await service.send(*events.pipeline(campaign, {"ann": "review", "bob": "review"}))
    ann, bob = campaign.prospect_id("ann"), campaign.prospect_id("bob")
    async with service.engine.begin() as conn:
        ann_info = (
            await conn.execute(select(s.prospects.c.contact_info).where(s.prospects.c.id == ann))
        ).scalar_one()
        await conn.execute(
            update(s.prospects).where(s.prospects.c.id == bob).values(contact_info=ann_info)
        )
    async with service.engine.connect() as conn:
        assert (await prospects.load(conn, service.cipher, ann)).contact_info["email"]
        with pytest.raises(DecryptionFailed):
            await prospects.load(conn, service.cipher, bob)

    # the edit of bob cannot merge into what does not decrypt: it is retried, then
    # dead-lettered, never silently overwritten
    await service.send(campaign.updated("bob", {"phone": PHONE}))
    assert [topic for topic, _ in service.dead_letters] == ["prospect.update"]


@pytest.mark.parametrize("team", ["same", "other"])
async def test_a_prospect_id_is_bound_with_its_team(service, campaign, events, team):
    """Associated data holds the team too: the same prospect id read for another team
    does not decrypt (the id is derived from the team, but the binding does not rely on it)."""
    await service.send(*events.pipeline(campaign, {"ann": "review"}))
    async with service.engine.connect() as conn:
        row = (await conn.execute(select(s.prospects))).one()
    team_id = row.team_id if team == "same" else uuid.uuid4()
    read = lambda: service.cipher.decrypt(  # noqa: E731
        row.contact_info["email"], team_id=team_id, prospect_id=row.id, field="email"
    )
    if team == "same":
        assert read() == "ann@acme.example"
    else:
        with pytest.raises(DecryptionFailed):
            read()


async def test_database_errors_never_quote_the_values(engine):
    """A failed statement's message goes to logs and dead-letter headers: its parameters
    (names, profile URLs) stay out of it (make_engine hides them)."""
    from sqlalchemy.exc import IntegrityError

    row = {
        "id": uuid.uuid4(),
        "team_id": uuid.uuid4(),
        "platform": "myspace",  # violates the platform check
        "platform_profile_id": "ann-private-person",
        "name": "Ann Private-Person",
        "profile_url": "https://myspace.example/ann-private-person",
    }
    with pytest.raises(IntegrityError) as failed:
        async with engine.begin() as conn:
            await conn.execute(s.prospects.insert().values(**row))
    assert "Private-Person" not in str(failed.value)
    assert "ann-private-person" not in repr(failed.value)

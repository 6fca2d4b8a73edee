"""Contact details are stored encrypted by lead-writer; the gateway's listings decrypt
them for the team and person they belong to: the prospect listing (email, phone) and the
lead listing (the lead's own email, else its prospect's), clear text from before
encryption as it is, and a value that does not decrypt shown as null without failing the
page."""

from __future__ import annotations

import uuid

from leadgen_common.contracts import team_id_for
from leadgen_common.crypto import is_ciphertext
from leadgen_common.db.schema import leads, prospects
from leadgen_common.testing.pii import TEST_CIPHER
from sqlalchemy import select, update

CAMPAIGNS = "/api/v1/prospecting/campaigns"


def sealed(team_id, prospect_id, **values):
    return TEST_CIPHER.seal_fields(
        values, ("email", "phone"), team_id=team_id, prospect_id=prospect_id
    )


async def set_contact(engine, table, where, contact) -> None:
    async with engine.begin() as conn:
        await conn.execute(update(table).where(where).values(contact_info=contact))


async def test_the_prospect_listing_decrypts_email_and_phone(
    api, seed, team, make_campaign, admin_engine
):
    tid = team_id_for(team)
    campaign = uuid.UUID(await make_campaign(team))
    ann = await seed.prospect(tid, campaign, "ann", score=0.9)
    bob = await seed.prospect(tid, campaign, "bob", score=0.8)
    cyd = await seed.prospect(tid, campaign, "cyd", score=0.7)
    dan = await seed.prospect(tid, campaign, "dan", score=0.6)
    p = prospects.c
    await set_contact(
        admin_engine, prospects, p.id == ann, sealed(tid, ann, email="ann@x.io", phone="+1 2")
    )
    # clear text stored before encryption reads as it is
    await set_contact(admin_engine, prospects, p.id == bob, {"email": "bob@legacy.io"})
    # ann's ciphertext copied onto cyd: bound to ann, it does not decrypt for cyd
    async with admin_engine.connect() as conn:
        ann_info = (await conn.execute(select(p.contact_info).where(p.id == ann))).scalar_one()
    await set_contact(admin_engine, prospects, p.id == cyd, ann_info)
    assert is_ciphertext(ann_info["email"]) and "ann@x.io" not in str(ann_info)

    response = await api.client.get(f"{CAMPAIGNS}/{campaign}/prospects", headers=api.auth(team))

    assert response.status_code == 200
    shown = {i["id"]: (i["email"], i["phone"]) for i in response.json()["items"]}
    assert shown == {
        str(ann): ("ann@x.io", "+1 2"),
        str(bob): ("bob@legacy.io", None),
        str(cyd): (None, None),  # tampered / not this person's: null, the page still loads
        str(dan): ("dan@acme.io", None),  # sealed by the seed, as lead-writer stores it
    }


async def test_the_lead_listing_prefers_the_leads_own_email(
    api, seed, team, make_campaign, admin_engine
):
    tid = team_id_for(team)
    campaign = uuid.UUID(await make_campaign(team))
    ann = await seed.prospect(tid, campaign, "ann", status="converted", score=0.9)
    bob = await seed.prospect(tid, campaign, "bob", status="converted", score=0.9)
    ann_lead = await seed.lead(tid, ann, campaign)
    await seed.lead(tid, bob, campaign)
    await set_contact(
        admin_engine, leads, leads.c.id == ann_lead, sealed(tid, ann, email="ann@lead.io")
    )

    response = await api.client.get("/api/v1/leads", headers=api.auth(team))

    assert response.status_code == 200
    emails = {i["prospectId"]: i["email"] for i in response.json()["items"]}
    assert emails == {str(ann): "ann@lead.io", str(bob): "bob@acme.io"}

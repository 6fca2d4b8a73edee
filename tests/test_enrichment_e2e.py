"""On-demand enrichment through the real stack: a campaign without autoEnrich leaves its
prospects unenriched; POST /enrichment/batch of some of them -> enrichment.requested ->
enrichment (sandbox providers) -> prospect.enriched -> lead-writer; the job completes, the
prospects show what the providers found (a user-edited email stays the user's), and the
campaign's cost equals the sum of its ledger rows."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import asyncpg
import pytest
from leadgen_common.crypto import FieldCipher, KeysFile
from leadgen_common.testing.e2e import Api, wait_for
from leadgen_common.testing.pii import revealed_values

pytestmark = pytest.mark.stack

USER_EMAIL = "kept.by.the.user@edited.example"


async def test_batch_enrichment_of_an_unenriched_campaign(stack, stack_home, mint_token):
    api = Api(stack["GATEWAY_URL"], mint_token("e2e-enrich", "admin"))
    campaign_id = await api.start_campaign(
        20, name="enrich later", autoEnrich=False, autoConvert=False
    )

    async def prospects() -> dict[str, dict]:
        items = await api.items(f"/prospecting/campaigns/{campaign_id}/prospects")
        return {item["id"]: item for item in items}

    before = await api.wait_completed(campaign_id, seconds=60)
    assert before["cost"]["total"] == 0
    listed = await prospects()
    assert len(listed) == 20
    assert {p["enrichmentSkipped"] for p in listed.values()} == {"auto_enrich_off"}
    chosen = sorted(listed)[:5]
    assert all(listed[pid]["email"] is None for pid in chosen)

    edited = chosen[0]  # the user's email must survive the enrichment
    await api.ok("PATCH", f"/prospects/{edited}", 202, json={"email": USER_EMAIL})

    async def edit_projected():
        return (await prospects())[edited]["email"] == USER_EMAIL

    await wait_for(edit_projected, seconds=20)

    job = await api.ok("POST", "/enrichment/batch", 202, json={"prospectIds": chosen})
    assert (job["total"], job["status"]) == (5, "queued")

    async def job_completed():
        state = await api.ok("GET", f"/enrichment/jobs/{job['jobId']}")
        return state if state["status"] == "completed" else None

    state = await wait_for(job_completed, seconds=30)
    assert [item["prospectId"] for item in state["items"]] == chosen
    assert state["done"] + state["failed"] == 5
    assert state["done"] == 5, state  # the sandbox answers every lookup by default

    other = Api(stack["GATEWAY_URL"], mint_token("e2e-enrich-other", "admin"))
    response = await other.http.get(f"/enrichment/jobs/{job['jobId']}")
    assert response.status_code == 404

    conn = await asyncpg.connect(stack["DATABASE_ADMIN_URL"].replace("+asyncpg", ""))
    try:
        ids = [uuid.UUID(pid) for pid in chosen]

        async def projected():
            rows = await conn.fetch(
                "SELECT id, team_id, enrichment_data, contact_info, enriched_at FROM prospects "
                "WHERE id = ANY($1::uuid[])",
                ids,
            )
            done = [r for r in rows if r["enriched_at"] is not None]
            return rows if len(done) == len(ids) else None

        # Contact details are stored encrypted under the stack's key: read them back
        # decrypted (revealed_values also fails if any was stored in clear).
        cipher = FieldCipher(KeysFile(stack_home / "pii-keys.json"))
        rows = {}
        for row in await wait_for(projected, seconds=20):
            values = {
                **dict(row),
                "enrichment_data": json.loads(row["enrichment_data"]),
                "contact_info": json.loads(row["contact_info"]),
            }
            rows[str(row["id"])] = revealed_values(values, cipher)
        for pid, row in rows.items():
            data = row["enrichment_data"]
            assert data.get("company") or data.get("email"), (pid, data)
            assert data["provenance"], (pid, data)
        kept = rows[edited]["enrichment_data"]
        assert kept["email"] == USER_EMAIL and kept["provenance"]["email"] == "user"
        assert rows[edited]["contact_info"]["email"] == USER_EMAIL

        ledger = await conn.fetchval(
            "SELECT coalesce(sum(cost), 0) FROM enrichment_log WHERE campaign_id = $1",
            uuid.UUID(campaign_id),
        )
        prospects_logged = await conn.fetchval(
            "SELECT count(DISTINCT prospect_id) FROM enrichment_log WHERE campaign_id = $1",
            uuid.UUID(campaign_id),
        )
    finally:
        await conn.close()
    assert prospects_logged == 5  # only the chosen ones called providers
    assert ledger > 0
    after = await api.campaign(campaign_id)
    assert Decimal(str(after["cost"]["total"])) == ledger
    assert after["status"] == "completed"
    assert after["progress"]["enriched"] == 20  # counted once, by the campaign flow

    listed = await prospects()
    assert listed[edited]["email"] == USER_EMAIL
    assert sum(listed[pid]["email"] is not None for pid in chosen) >= 2
    assert all(listed[pid]["email"] is None for pid in listed if pid not in chosen)

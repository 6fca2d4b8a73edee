"""Personal-data keys through the real stack: contact details are stored encrypted and
shown in clear by the API; `leadgen keys rotate` while a campaign runs re-encrypts every
stored value to the new key (no row names the old one afterwards) and the API keeps
showing the same addresses; with --retire the old keys leave the ring and still every
value reads."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from leadgen_common.crypto import CONTACT_FIELDS, kid_of
from leadgen_common.db.engine import make_engine
from leadgen_common.samples import sample_icp_path
from sqlalchemy import text

pytestmark = pytest.mark.stack


class Api:
    def __init__(self, base: str, token: str) -> None:
        self.http = httpx.AsyncClient(
            base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    async def call(self, method: str, path: str, status: int = 200, **kw) -> dict:
        response = await self.http.request(method, path, **kw)
        assert response.status_code == status, (path, response.status_code, response.text)
        return response.json()

    async def start(self, icp_id: str, prospects: int) -> str:
        body = {
            "icpId": icp_id,
            "name": "rotate",
            "platforms": ["linkedin"],
            "options": {"maxProspects": prospects, "autoConvert": True},
        }
        return (await self.call("POST", "/prospecting/campaigns", 202, json=body))["campaignId"]

    async def completed(self, campaign_id: str, seconds: float = 90) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            status = (await self.call("GET", f"/prospecting/campaigns/{campaign_id}"))["status"]
            assert status in {"running", "completed"}, status
            if status == "completed":
                return
            assert loop.time() < deadline, f"campaign not completed within {seconds} s"
            await asyncio.sleep(0.5)

    async def emails(self, campaign_id: str) -> dict[str, str | None]:
        page = await self.call(
            "GET", f"/prospecting/campaigns/{campaign_id}/prospects", params={"limit": 200}
        )
        return {item["id"]: item["email"] for item in page["items"]}

    async def lead_emails(self) -> dict[str, str | None]:
        page = await self.call("GET", "/leads", params={"limit": 200})
        return {item["id"]: item["email"] for item in page["items"]}


def current_kid(home: Path) -> str:
    return json.loads((home / "pii-keys.json").read_text())["current"]


def ring(home: Path) -> set[str]:
    return set(json.loads((home / "pii-keys.json").read_text())["keys"])


async def stored(admin_url: str) -> tuple[set[str | None], str]:
    """Key ids named by every stored contact detail (all teams), and their stored text."""
    engine = make_engine(admin_url)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT contact_info, enrichment_data FROM prospects "
                        "UNION ALL SELECT contact_info, NULL FROM leads"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    kids, texts = set(), []
    for contact, enrichment in rows:
        texts.append(json.dumps([contact, enrichment]))
        for name in CONTACT_FIELDS:
            if (contact or {}).get(name) is not None:
                kids.add(kid_of(contact[name]))
        if (enrichment or {}).get("email") is not None:
            kids.add(kid_of(enrichment["email"]))
    return kids, "\n".join(texts)


async def test_keys_rotate_while_a_campaign_runs(stack, stack_home, mint_token, leadgen_cli):
    api = Api(stack["GATEWAY_URL"], mint_token("e2e-rotate", "admin"))
    icp = await api.call("POST", "/icps", 201, json=json.loads(sample_icp_path().read_text()))
    first = await api.start(icp["id"], 20)
    await api.completed(first)
    before = await api.emails(first)
    leads_before = await api.lead_emails()
    found = [email for email in before.values() if email]
    assert found and all("@" in email for email in found)  # the API shows them in clear
    first_kid = current_kid(stack_home)
    kids, stored_text = await stored(stack["DATABASE_ADMIN_URL"])
    assert kids == {first_kid}  # every stored value encrypted, none in clear
    assert not any(email in stored_text for email in found)

    # rotate while a second campaign of the team runs
    second = await api.start(icp["id"], 40)
    rotated = await asyncio.to_thread(leadgen_cli, stack_home, "keys", "rotate", timeout=240)
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    assert "complete" in rotated.stdout
    new_kid = current_kid(stack_home)
    assert new_kid != first_kid and ring(stack_home) == {first_kid, new_kid}
    await api.completed(second)

    kids, stored_text = await stored(stack["DATABASE_ADMIN_URL"])
    assert kids == {new_kid}, kids  # no row names the old key
    assert f"enc:v1:{first_kid}:" not in stored_text
    assert await api.emails(first) == before  # the same addresses, now under the new key
    assert {k: v for k, v in (await api.lead_emails()).items() if k in leads_before} == (
        leads_before
    )
    assert any("@" in (email or "") for email in (await api.emails(second)).values())

    # again, retiring the old keys: everything still reads with the newest key alone
    retired = await asyncio.to_thread(
        leadgen_cli, stack_home, "keys", "rotate", "--retire", timeout=240
    )
    assert retired.returncode == 0, retired.stdout + retired.stderr
    newest = current_kid(stack_home)
    assert ring(stack_home) == {newest}
    await asyncio.sleep(2.5)  # the services re-read the keys file (every second)
    assert (await stored(stack["DATABASE_ADMIN_URL"]))[0] == {newest}
    assert await api.emails(first) == before
    await api.http.aclose()

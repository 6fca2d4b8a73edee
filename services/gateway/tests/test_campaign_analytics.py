"""GET /prospecting/campaigns/{id}/analytics: the score distribution, rates and cost per
qualified lead the console's analytics page draws, from lead-writer's read models."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from leadgen_common.auth import Role
from leadgen_common.contracts import team_id_for

BASE = "/api/v1/prospecting/campaigns"


async def test_analytics_bucket_scores_and_compute_rates(api, seed, team, make_campaign):
    campaign_id = await make_campaign(team, platforms=["linkedin"])
    cid, tid = uuid.UUID(campaign_id), team_id_for(team)
    await seed.progress(
        cid,
        tid,
        status="completed",
        discovered=6,
        enriched=6,
        scored=5,
        qualified=2,
        review=2,
        rejected=1,
        converted=1,
        cost_total=Decimal("3.00"),
        started_at=datetime.now(UTC),
    )
    # 1.0 belongs to the last bucket, 0.0 to the first, 0.65 and 0.69 share one; the
    # unscored prospect is counted in none.
    for n, score in enumerate([0.0, 0.65, 0.69, 0.95, 1.0, None]):
        await seed.prospect(tid, cid, f"a{n}", status="qualified", score=score)

    response = await api.client.get(f"{BASE}/{campaign_id}/analytics", headers=api.auth(team))
    assert response.status_code == 200, response.text
    body = response.json()
    counts = [b["count"] for b in body["scoreDistribution"]]
    assert counts == [1, 0, 0, 0, 0, 0, 2, 0, 0, 2]
    assert body["scoreDistribution"][6] == {"low": 0.6, "high": 0.7, "count": 2}
    assert body["qualifiedRate"] == 0.4
    assert body["leadRate"] == 0.2
    assert body["cost"] == {"total": 3.0, "perQualifiedLead": 1.5, "currency": "USD"}
    assert body["costPerLead"] == 3.0
    assert body["progress"]["review"] == 2
    assert body["platforms"] == ["linkedin"]


async def test_analytics_before_anything_is_scored(api, team, make_campaign):
    campaign_id = await make_campaign(team)
    body = (
        await api.client.get(f"{BASE}/{campaign_id}/analytics", headers=api.auth(team, Role.VIEWER))
    ).json()
    assert [b["count"] for b in body["scoreDistribution"]] == [0] * 10
    assert body["qualifiedRate"] is None and body["leadRate"] is None
    assert body["cost"]["perQualifiedLead"] is None and body["costPerLead"] is None


async def test_analytics_of_unknown_or_other_teams_campaign_is_404(api, team, make_campaign):
    campaign_id = await make_campaign(team)
    other = api.auth(f"{team}-other")
    for cid in (campaign_id, str(uuid.uuid4())):
        response = await api.client.get(f"{BASE}/{cid}/analytics", headers=other)
        assert response.status_code == 404
        assert response.json()["code"] == "campaign_not_found"

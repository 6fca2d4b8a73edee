"""Semantic search over scoring's vectors: GET /icps/{id}/similar and
GET /prospects/{id}/similar on a real Postgres with pgvector, read through the gateway's
role (vectors seeded as the owner role, standing in for scoring)."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from leadgen_common.contracts import team_id_for
from leadgen_common.db.schema import icp_vectors, prospect_vectors

MODEL = "all-MiniLM-L6-v2-onnx-int8"


def unit(*weights: float) -> list[float]:
    v = np.zeros(384)
    v[: len(weights)] = weights
    return (v / np.linalg.norm(v)).tolist()


@pytest.fixture
def vectors(admin_engine):
    """``await vectors.prospect(team_id, prospect_id, vector, model=MODEL)`` and
    ``await vectors.icp(team_id, icp_id, vector, model=MODEL)``."""

    class Vectors:
        async def prospect(self, team_id, prospect_id, vector, model=MODEL):
            async with admin_engine.begin() as conn:
                await conn.execute(
                    prospect_vectors.insert().values(
                        prospect_id=prospect_id, team_id=team_id, model=model, embedding=vector
                    )
                )

        async def icp(self, team_id, icp_id, vector, model=MODEL):
            async with admin_engine.begin() as conn:
                await conn.execute(
                    icp_vectors.insert().values(
                        campaign_id=uuid.uuid4(),
                        team_id=team_id,
                        icp_id=icp_id,
                        model=model,
                        embedding=vector,
                    )
                )

    return Vectors()


@pytest.fixture
async def people(team, seed, vectors):
    """Prospects of ``team`` at known angles from (1, 0), one erased, plus a prospect of
    another team and a vector of another model; returns {name: prospect id}."""
    tid, campaign = team_id_for(team), uuid.uuid4()
    placed = {"near": unit(1, 0.1), "middle": unit(1, 1), "far": unit(0, 1), "gone": unit(1, 0)}
    ids = {}
    for name, vector in placed.items():
        ids[name] = await seed.prospect(tid, campaign, name, erased=name == "gone")
        await vectors.prospect(tid, ids[name], vector)
    ids["other-model"] = await seed.prospect(tid, campaign, "other-model")
    await vectors.prospect(tid, ids["other-model"], unit(1, 0), model="openai:x:384")
    stranger_team = team_id_for(f"{team}-other")
    ids["stranger"] = await seed.prospect(stranger_team, campaign, "stranger")
    await vectors.prospect(stranger_team, ids["stranger"], unit(1, 0))
    return ids


async def test_an_icps_nearest_prospects_best_first(api, team, make_icp, people, vectors):
    icp_id = await make_icp(team)
    await vectors.icp(team_id_for(team), uuid.UUID(icp_id), unit(1, 0))
    response = await api.client.get(f"/api/v1/icps/{icp_id}/similar", headers=api.auth(team))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"] == MODEL
    assert [item["prospectId"] for item in body["items"]] == [
        str(people["near"]),
        str(people["middle"]),
        str(people["far"]),
    ]
    near = body["items"][0]
    assert near["similarity"] == pytest.approx(1 / np.sqrt(1.01), abs=1e-4)
    assert (near["platform"], near["name"], near["title"], near["company"]) == (
        "linkedin",
        "Person near",
        "CTO",
        "Acme",
    )
    limited = await api.client.get(
        f"/api/v1/icps/{icp_id}/similar", params={"limit": 1}, headers=api.auth(team)
    )
    assert [i["prospectId"] for i in limited.json()["items"]] == [str(people["near"])]


async def test_the_latest_campaigns_icp_vector_is_the_basis(api, team, make_icp, people, vectors):
    icp_id = await make_icp(team)
    await vectors.icp(team_id_for(team), uuid.UUID(icp_id), unit(1, 0))
    await vectors.icp(team_id_for(team), uuid.UUID(icp_id), unit(0, 1))  # a later campaign
    response = await api.client.get(f"/api/v1/icps/{icp_id}/similar", headers=api.auth(team))
    assert response.json()["items"][0]["prospectId"] == str(people["far"])


async def test_an_icp_without_a_vector_yet_is_a_conflict(api, team, make_icp):
    icp_id = await make_icp(team)
    response = await api.client.get(f"/api/v1/icps/{icp_id}/similar", headers=api.auth(team))
    assert response.status_code == 409
    assert response.json()["code"] == "icp_not_embedded"


async def test_another_teams_icp_is_not_found(api, team, make_icp, vectors):
    icp_id = await make_icp(team)
    await vectors.icp(team_id_for(team), uuid.UUID(icp_id), unit(1, 0))
    response = await api.client.get(
        f"/api/v1/icps/{icp_id}/similar", headers=api.auth(f"{team}-other")
    )
    assert response.status_code == 404
    assert response.json()["code"] == "icp_not_found"


async def test_more_like_this_prospect_leaves_itself_out(api, team, people):
    response = await api.client.get(
        f"/api/v1/prospects/{people['near']}/similar", headers=api.auth(team, "sales_manager")
    )
    assert response.status_code == 200, response.text
    assert [item["prospectId"] for item in response.json()["items"]] == [
        str(people["middle"]),
        str(people["far"]),
    ]


async def test_a_prospect_of_another_model_compares_within_its_model(api, team, people):
    response = await api.client.get(
        f"/api/v1/prospects/{people['other-model']}/similar", headers=api.auth(team)
    )
    assert response.json() == {"model": "openai:x:384", "items": []}


async def test_an_unknown_or_unscored_prospect(api, team, seed):
    unknown = await api.client.get(
        f"/api/v1/prospects/{uuid.uuid4()}/similar", headers=api.auth(team)
    )
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "prospect_not_found"
    fresh = await seed.prospect(team_id_for(team), uuid.uuid4(), "fresh")
    unscored = await api.client.get(f"/api/v1/prospects/{fresh}/similar", headers=api.auth(team))
    assert unscored.status_code == 409
    assert unscored.json()["code"] == "prospect_not_embedded"


@pytest.mark.parametrize("limit", [0, 101])
async def test_limit_is_bounded(api, team, people, limit):
    response = await api.client.get(
        f"/api/v1/prospects/{people['near']}/similar",
        params={"limit": limit},
        headers=api.auth(team),
    )
    assert response.status_code == 422
    assert response.json()["field"] == "limit"


async def test_similar_needs_a_token(api, people):
    response = await api.client.get(f"/api/v1/prospects/{people['near']}/similar")
    assert response.status_code == 401

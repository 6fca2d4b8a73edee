"""GET /icps/{id}/similar and GET /prospects/{id}/similar when scoring keeps its vectors
in Pinecone (PINECONE_API_KEY set): the gateway reads them through the official SDK from
the local Pinecone data plane (leadgen_common.testing.pinecone), stored as scoring stores
them (leadgen_common.pinecone_scheme), and describes the people from Postgres."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import numpy as np
import pytest
from faststream.kafka import TestKafkaBroker
from leadgen_common.auth import issue_token
from leadgen_common.contracts import team_id_for
from leadgen_common.kafka import EventBus
from leadgen_common.pinecone_scheme import (
    icp_metadata,
    icp_record_id,
    namespace,
    prospect_metadata,
    prospect_record_id,
)
from leadgen_common.testing.pinecone import PineconeState, running_pinecone
from leadgen_gateway.adapters.vectors import PgVectorSearch
from leadgen_gateway.adapters.vectors_pinecone import PineconeVectorSearch
from leadgen_gateway.main import create_app
from leadgen_gateway.settings import GatewaySettings

MODEL = "all-MiniLM-L6-v2-onnx-int8"
KEY = "pc-local"


def unit(*weights: float) -> list[float]:
    v = np.zeros(384)
    v[: len(weights)] = weights
    return (v / np.linalg.norm(v)).tolist()


class Client:
    def __init__(self, http: httpx.AsyncClient, settings: GatewaySettings) -> None:
        self.http = http
        self.settings = settings

    def auth(self, team: str, role: str = "admin") -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token(self.settings, team=team, role=role)}"}


@pytest.fixture
def pinecone():
    with running_pinecone(KEY) as (host, state):
        yield host, state


@pytest.fixture
async def client(pinecone, gateway_engine) -> AsyncIterator[Client]:
    host, _ = pinecone
    settings = GatewaySettings(
        environment="test",
        kafka_bootstrap_servers="127.0.0.1:1",
        pinecone_api_key=KEY,
        pinecone_index_host=host,
    )
    bus = EventBus(settings)
    app = create_app(settings, engine=gateway_engine, bus=bus)
    assert isinstance(app.state.gateway.vectors, PineconeVectorSearch)
    async with TestKafkaBroker(bus.broker), app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield Client(http, settings)


class Stored:
    """Records as scoring's Pinecone store writes them, put straight into the index."""

    def __init__(self, state: PineconeState) -> None:
        self.state = state

    def prospect(self, team_id, prospect_id, vector, model=MODEL, stored_at=1.0):
        space = self.state.namespaces.setdefault(namespace(team_id), {})
        record_id = prospect_record_id(prospect_id, model)
        metadata = prospect_metadata(prospect_id, model, stored_at)
        space[record_id] = {"id": record_id, "values": vector, "metadata": metadata}

    def icp(self, team_id, icp_id, vector, model=MODEL, stored_at=1.0, campaign_id=None):
        campaign_id = campaign_id or uuid.uuid4()
        space = self.state.namespaces.setdefault(namespace(team_id), {})
        record_id = icp_record_id(campaign_id, model)
        metadata = icp_metadata(icp_id, campaign_id, model, stored_at)
        space[record_id] = {"id": record_id, "values": vector, "metadata": metadata}


@pytest.fixture
def stored(pinecone) -> Stored:
    return Stored(pinecone[1])


@pytest.fixture
async def people(team, seed, stored):
    """Prospects of ``team`` (rows in Postgres, vectors in Pinecone) at known angles from
    (1, 0): one erased whose vector is still there, one of another model; a prospect of
    another team; returns {name: prospect id}."""
    tid, campaign = team_id_for(team), uuid.uuid4()
    placed = {"near": unit(1, 0.1), "middle": unit(1, 1), "far": unit(0, 1), "gone": unit(1, 0)}
    ids = {}
    for name, vector in placed.items():
        ids[name] = await seed.prospect(tid, campaign, name, erased=name == "gone")
        stored.prospect(tid, ids[name], vector)
    ids["other-model"] = await seed.prospect(tid, campaign, "other-model")
    stored.prospect(tid, ids["other-model"], unit(1, 0), model="openai:x:384")
    stranger_team = team_id_for(f"{team}-other")
    ids["stranger"] = await seed.prospect(stranger_team, campaign, "stranger")
    stored.prospect(stranger_team, ids["stranger"], unit(1, 0))
    return ids


async def make_icp(client: Client, team: str, icp_body) -> str:
    response = await client.http.post("/api/v1/icps", json=icp_body, headers=client.auth(team))
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_an_icps_nearest_prospects_from_pinecone(client, team, icp_body, people, stored):
    icp_id = await make_icp(client, team, icp_body)
    stored.icp(team_id_for(team), uuid.UUID(icp_id), unit(1, 0))
    response = await client.http.get(
        f"/api/v1/icps/{icp_id}/similar", headers=client.auth(team, "sales_manager")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"] == MODEL
    # the erased prospect's vector is found, and left out; other teams and models unseen
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
    limited = await client.http.get(
        f"/api/v1/icps/{icp_id}/similar", params={"limit": 1}, headers=client.auth(team)
    )
    assert [i["prospectId"] for i in limited.json()["items"]] == [str(people["near"])]


async def test_the_latest_stored_icp_vector_is_the_basis(client, team, icp_body, people, stored):
    icp_id = await make_icp(client, team, icp_body)
    stored.icp(team_id_for(team), uuid.UUID(icp_id), unit(0, 1), stored_at=2.0)  # later
    stored.icp(team_id_for(team), uuid.UUID(icp_id), unit(1, 0), stored_at=1.0)
    response = await client.http.get(f"/api/v1/icps/{icp_id}/similar", headers=client.auth(team))
    assert response.json()["items"][0]["prospectId"] == str(people["far"])


async def test_an_icp_without_a_vector_in_pinecone_is_a_conflict(client, team, icp_body, stored):
    icp_id = await make_icp(client, team, icp_body)
    stored.icp(team_id_for(f"{team}-other"), uuid.UUID(icp_id), unit(1, 0))  # not the team's
    response = await client.http.get(f"/api/v1/icps/{icp_id}/similar", headers=client.auth(team))
    assert response.status_code == 409
    assert response.json()["code"] == "icp_not_embedded"


async def test_more_like_this_from_pinecone_leaves_itself_out(client, team, people, pinecone):
    response = await client.http.get(
        f"/api/v1/prospects/{people['near']}/similar", headers=client.auth(team)
    )
    assert response.status_code == 200, response.text
    assert [item["prospectId"] for item in response.json()["items"]] == [
        str(people["middle"]),
        str(people["far"]),
    ]
    assert set(pinecone[1].calls) == {"fetch_by_metadata", "query"}


async def test_a_prospect_compares_within_its_latest_model(client, team, people, stored):
    tid = team_id_for(team)
    # "far" was embedded again by another model later: that is its basis now
    stored.prospect(tid, people["far"], unit(1, 0), model="openai:x:384", stored_at=5.0)
    response = await client.http.get(
        f"/api/v1/prospects/{people['far']}/similar", headers=client.auth(team)
    )
    assert response.json() == {
        "model": "openai:x:384",
        "items": [
            {
                "prospectId": str(people["other-model"]),
                "similarity": 1.0,
                "platform": "linkedin",
                "name": "Person other-model",
                "title": "CTO",
                "company": "Acme",
                "location": "Berlin",
            }
        ],
    }


async def test_unknown_and_unembedded_prospects(client, team, seed):
    unknown = await client.http.get(
        f"/api/v1/prospects/{uuid.uuid4()}/similar", headers=client.auth(team)
    )
    assert unknown.status_code == 404
    fresh = await seed.prospect(team_id_for(team), uuid.uuid4(), "fresh")
    unscored = await client.http.get(
        f"/api/v1/prospects/{fresh}/similar", headers=client.auth(team)
    )
    assert unscored.status_code == 409
    assert unscored.json()["code"] == "prospect_not_embedded"


async def test_many_campaigns_of_an_icp_are_read_page_by_page(client, team, icp_body, people,
                                                              stored):  # fmt: skip
    icp_id = await make_icp(client, team, icp_body)
    for n in range(150):  # more than one fetch_by_metadata page (100)
        stored.icp(team_id_for(team), uuid.UUID(icp_id), unit(1, 0), stored_at=float(n))
    stored.icp(team_id_for(team), uuid.UUID(icp_id), unit(0, 1), stored_at=1000.0)
    response = await client.http.get(f"/api/v1/icps/{icp_id}/similar", headers=client.auth(team))
    assert response.json()["items"][0]["prospectId"] == str(people["far"])


def test_pgvector_stays_the_default_and_pinecone_needs_its_host():
    app = create_app(GatewaySettings(environment="test", kafka_bootstrap_servers="127.0.0.1:1"))
    assert isinstance(app.state.gateway.vectors, PgVectorSearch)
    with pytest.raises(ValueError, match="PINECONE_INDEX_HOST"):
        GatewaySettings(environment="test", pinecone_api_key="k")

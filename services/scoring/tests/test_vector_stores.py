"""The vector stores behind one interface: pgvector in scoring's own tables on a real
Postgres (through the scoring role), and Pinecone through the official SDK against a
local server speaking its data-plane API. The same behaviour is asked of both."""

from __future__ import annotations

import time
import uuid

import numpy as np
import pytest
from leadgen_common.db.engine import make_engine
from leadgen_common.db.schema import icp_vectors
from leadgen_scoring.adapters.vectors_pgvector import PgVectorStore
from leadgen_scoring.adapters.vectors_pinecone import PineconeVectorStore
from leadgen_scoring.ports import IcpVector, ProspectVector
from sqlalchemy import select
from sqlalchemy.pool import NullPool

MODEL = "all-MiniLM-L6-v2-onnx-int8"
DIM = 384


def unit(*weights: float) -> list[float]:
    """A unit vector whose first coordinates are ``weights`` (the rest zero)."""
    v = np.zeros(DIM)
    v[: len(weights)] = weights
    return (v / np.linalg.norm(v)).tolist()


@pytest.fixture(params=["pgvector", "pinecone"])
async def store(request, database, pinecone_server):
    if request.param == "pgvector":
        engine = make_engine(database["scoring"], poolclass=NullPool)
        try:
            yield PgVectorStore(engine)
        finally:
            await engine.dispose()
    else:
        host, _ = pinecone_server
        pinecone = PineconeVectorStore("pc-local", host)
        try:
            yield pinecone
        finally:
            await pinecone.close()


async def test_nearest_prospects_of_one_team_and_model_most_similar_first(store):
    team, other_team = uuid.uuid4(), uuid.uuid4()
    near, far, middle, stranger, other_model = (uuid.uuid4() for _ in range(5))
    await store.upsert_prospects(
        [
            ProspectVector(team, near, MODEL, unit(1, 0.1)),
            ProspectVector(team, far, MODEL, unit(0, 1)),
            ProspectVector(team, middle, MODEL, unit(1, 1)),
            ProspectVector(other_team, stranger, MODEL, unit(1, 0)),
            ProspectVector(team, other_model, "openai:text-embedding-3-small:384", unit(1, 0)),
        ]
    )
    found = await store.nearest_prospects(team, MODEL, unit(1, 0), limit=10)
    assert [n.prospect_id for n in found] == [near, middle, far]
    assert found[0].similarity == pytest.approx(1 / np.sqrt(1.01), abs=1e-5)
    assert found[1].similarity == pytest.approx(1 / np.sqrt(2), abs=1e-5)
    assert found[2].similarity == pytest.approx(0.0, abs=1e-5)
    top = await store.nearest_prospects(team, MODEL, unit(1, 0), limit=2, exclude=near)
    assert [n.prospect_id for n in top] == [middle, far]


async def test_an_upsert_replaces_the_vector_and_fetch_returns_it(store):
    team, prospect = uuid.uuid4(), uuid.uuid4()
    await store.upsert_prospects([ProspectVector(team, prospect, MODEL, unit(1, 0))])
    await store.upsert_prospects([ProspectVector(team, prospect, MODEL, unit(0, 1))])
    stored = await store.prospect_vector(team, prospect, MODEL)
    assert np.allclose(stored, unit(0, 1), atol=1e-6)
    assert await store.prospect_vector(uuid.uuid4(), prospect, MODEL) is None
    assert await store.prospect_vector(team, prospect, "another-model") is None
    await store.upsert_prospects([])  # nothing to do is fine


async def test_deleting_a_prospect_forgets_every_model_of_it(store):
    team, gone, kept = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await store.upsert_prospects(
        [
            ProspectVector(team, gone, MODEL, unit(1, 0)),
            ProspectVector(team, gone, "other-model", unit(1, 0)),
            ProspectVector(team, kept, MODEL, unit(1, 0)),
        ]
    )
    await store.delete_prospect(team, gone)
    await store.delete_prospect(team, uuid.uuid4())  # unknown: nothing happens
    assert await store.prospect_vector(team, gone, MODEL) is None
    assert await store.prospect_vector(team, gone, "other-model") is None
    found = await store.nearest_prospects(team, MODEL, unit(1, 0), limit=5)
    assert [n.prospect_id for n in found] == [kept]


async def test_a_large_batch_is_stored_in_full(store):
    team = uuid.uuid4()
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(1200, DIM))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [uuid.uuid4() for _ in range(1200)]
    await store.upsert_prospects(
        [ProspectVector(team, i, MODEL, v.tolist()) for i, v in zip(ids, vectors, strict=True)]
    )
    found = await store.nearest_prospects(team, MODEL, vectors[777].tolist(), limit=3)
    assert found[0].prospect_id == ids[777]
    assert found[0].similarity == pytest.approx(1.0, abs=1e-5)


async def test_icp_vectors_are_kept_per_campaign_and_model(database):
    engine = make_engine(database["scoring"], poolclass=NullPool)
    try:
        store = PgVectorStore(engine)
        team, campaign, icp = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        await store.upsert_icp(IcpVector(team, campaign, icp, MODEL, unit(1, 0)))
        await store.upsert_icp(IcpVector(team, campaign, icp, MODEL, unit(0, 1)))  # repeat
        await store.upsert_icp(IcpVector(team, campaign, icp, "other-model", unit(1, 0)))
        async with engine.connect() as conn:
            rows = (
                (
                    await conn.execute(
                        select(icp_vectors).where(icp_vectors.c.campaign_id == campaign)
                    )
                )
                .mappings()
                .all()
            )
    finally:
        await engine.dispose()
    by_model = {row["model"]: row for row in rows}
    assert set(by_model) == {MODEL, "other-model"}
    assert (by_model[MODEL]["team_id"], by_model[MODEL]["icp_id"]) == (team, icp)
    assert np.allclose(by_model[MODEL]["embedding"], unit(0, 1), atol=1e-6)


async def test_pinecone_keeps_each_team_in_its_own_namespace(pinecone_server):
    host, state = pinecone_server
    store = PineconeVectorStore("pc-local", host)
    team, campaign, icp, prospect = (uuid.uuid4() for _ in range(4))
    try:
        await store.upsert_icp(IcpVector(team, campaign, icp, MODEL, unit(1, 0)))
        await store.upsert_prospects([ProspectVector(team, prospect, MODEL, unit(1, 0))])
        found = await store.nearest_prospects(team, MODEL, unit(1, 0), limit=5)
    finally:
        await store.close()
    assert [n.prospect_id for n in found] == [prospect]  # the ICP vector is no prospect
    space = state.namespaces[str(team)]
    icp_metadata = space[f"icp:{campaign}:{MODEL}"]["metadata"]
    assert icp_metadata == {
        "kind": "icp",
        "model": MODEL,
        "icp_id": str(icp),
        "campaign_id": str(campaign),
        "stored_at": pytest.approx(time.time(), abs=60),  # readers take the latest
    }
    prospect_metadata = space[f"prospect:{prospect}:{MODEL}"]["metadata"]
    assert prospect_metadata["prospect_id"] == str(prospect)
    assert prospect_metadata["stored_at"] <= time.time()
    assert set(state.calls) == {"upsert", "query"}


async def test_pinecone_refuses_a_wrong_key(pinecone_server):
    host, state = pinecone_server
    store = PineconeVectorStore("not-the-key", host)
    try:
        with pytest.raises(Exception, match="(?i)api key|unauthori"):
            vector = ProspectVector(uuid.uuid4(), uuid.uuid4(), MODEL, unit(1))
            await store.upsert_prospects([vector])
    finally:
        await store.close()
    assert state.namespaces == {}

"""The Pinecone record scheme scoring writes by and the gateway reads by."""

from __future__ import annotations

import uuid

from leadgen_common import pinecone_scheme as scheme
from leadgen_common.testing.pinecone import matches

PROSPECT, OTHER, ICP, CAMPAIGN = (uuid.uuid4() for _ in range(4))


def test_ids_and_metadata_say_what_a_vector_is_of():
    assert scheme.namespace(PROSPECT) == str(PROSPECT)
    assert scheme.prospect_record_id(PROSPECT, "m") == f"prospect:{PROSPECT}:m"
    assert scheme.icp_record_id(CAMPAIGN, "m") == f"icp:{CAMPAIGN}:m"
    assert scheme.prospect_metadata(PROSPECT, "m", 5.0) == {
        "kind": "prospect", "model": "m", "prospect_id": str(PROSPECT), "stored_at": 5.0,
    }  # fmt: skip
    assert scheme.icp_metadata(ICP, CAMPAIGN, "m", 5.0) == {
        "kind": "icp", "model": "m", "icp_id": str(ICP), "campaign_id": str(CAMPAIGN),
        "stored_at": 5.0,
    }  # fmt: skip


def test_filters_select_what_they_say():
    mine = scheme.prospect_metadata(PROSPECT, "m", 1.0)
    other = scheme.prospect_metadata(OTHER, "m", 1.0)
    other_model = scheme.prospect_metadata(OTHER, "n", 1.0)
    icp = scheme.icp_metadata(ICP, CAMPAIGN, "m", 1.0)
    everything = [mine, other, other_model, icp]
    assert [m for m in everything if matches(m, scheme.neighbours_filter("m"))] == [mine, other]
    assert [m for m in everything if matches(m, scheme.neighbours_filter("m", PROSPECT))] == [other]
    assert [m for m in everything if matches(m, scheme.prospect_filter(OTHER))] == [
        other,
        other_model,
    ]
    assert [m for m in everything if matches(m, scheme.icp_filter(ICP))] == [icp]


def test_latest_is_the_last_stored_and_stable_on_ties():
    assert scheme.latest({}) is None
    assert scheme.latest({"a": {"stored_at": 2.0}, "b": {"stored_at": 1.0}}) == "a"
    assert scheme.latest({"a": {"stored_at": 1.0}, "b": {"stored_at": 1.0}}) == "b"
    # written before stored_at existed: oldest
    assert scheme.latest({"a": {}, "b": None, "c": {"stored_at": 0.5}}) == "c"
    assert scheme.latest({"a": {}, "b": None}) == "b"

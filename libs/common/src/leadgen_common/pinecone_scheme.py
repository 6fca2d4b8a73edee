"""How vectors are kept in Pinecone (when PINECONE_API_KEY is set), shared by the writer
(scoring's vector store) and the readers (the gateway's similar routes), so neither
imports the other. Pure: names, metadata and filters; the SDK calls are the adapters'.

- One namespace per team (spec §1.2): the team id.
- Record ids say what a vector is of and in which model's space:
  ``prospect:{prospect_id}:{model}`` and ``icp:{campaign_id}:{model}`` (an ICP has a
  vector per campaign started with it).
- Metadata repeats that — ``kind`` (prospect | icp), ``model``, ``prospect_id`` or
  ``icp_id`` and ``campaign_id`` — so a search filters on it (a prospect search never
  returns an ICP vector or a vector of another model), plus ``stored_at`` (Unix seconds)
  so a reader can take the latest of several (an ICP's latest campaign, a prospect's
  latest model). Vectors written before ``stored_at`` existed count as oldest.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

PROSPECT = "prospect"
ICP = "icp"


def namespace(team_id: uuid.UUID) -> str:
    return str(team_id)


def prospect_record_id(prospect_id: uuid.UUID, model: str) -> str:
    return f"{PROSPECT}:{prospect_id}:{model}"


def icp_record_id(campaign_id: uuid.UUID, model: str) -> str:
    return f"{ICP}:{campaign_id}:{model}"


def prospect_metadata(prospect_id: uuid.UUID, model: str, stored_at: float) -> dict[str, Any]:
    return {"kind": PROSPECT, "model": model, "prospect_id": str(prospect_id),
            "stored_at": stored_at}  # fmt: skip


def icp_metadata(
    icp_id: uuid.UUID, campaign_id: uuid.UUID, model: str, stored_at: float
) -> dict[str, Any]:
    return {"kind": ICP, "model": model, "icp_id": str(icp_id),
            "campaign_id": str(campaign_id), "stored_at": stored_at}  # fmt: skip


def neighbours_filter(model: str, exclude: uuid.UUID | None = None) -> dict[str, Any]:
    """Prospect vectors of one model, but ``exclude``'s (a nearest-neighbour query)."""
    conditions: list[dict[str, Any]] = [{"kind": {"$eq": PROSPECT}}, {"model": {"$eq": model}}]
    if exclude is not None:
        conditions.append({"prospect_id": {"$ne": str(exclude)}})
    return {"$and": conditions}


def prospect_filter(prospect_id: uuid.UUID) -> dict[str, Any]:
    """Every vector of one prospect, whatever the model (a read, or erasure)."""
    return {"prospect_id": {"$eq": str(prospect_id)}}


def icp_filter(icp_id: uuid.UUID) -> dict[str, Any]:
    """Every vector of one ICP: each campaign started with it, each model."""
    return {"$and": [{"kind": {"$eq": ICP}}, {"icp_id": {"$eq": str(icp_id)}}]}


def latest(metadata_by_id: Mapping[str, Mapping[str, Any] | None]) -> str | None:
    """The id of the most recently stored record (``stored_at``; ties, and records
    without it, by id so the choice is stable), or None when there is none."""

    def stored(record_id: str) -> tuple[float, str]:
        value = (metadata_by_id[record_id] or {}).get("stored_at")
        number = float(value) if isinstance(value, int | float) else 0.0
        return number, record_id

    return max(metadata_by_id, key=stored, default=None)

"""A local stand-in for a Pinecone index's data plane, for the adapters' tests (scoring's
vector store, the gateway's similar routes): the calls they make through the official
SDK, with request and response bodies as Pinecone's API reference gives them.

    with running_pinecone() as (host, state):   # host: the index host URL for the SDK
        ...                                    # state.namespaces: {namespace: {id: record}}

Calls: ``POST /vectors/upsert``, ``POST /query``, ``GET /vectors/fetch``,
``POST /vectors/fetch_by_metadata`` (paged: ``limit``, ``paginationToken``),
``POST /vectors/delete``; the ``Api-Key`` header must match ``state.api_key`` (401 in
Pinecone's error shape otherwise). Metadata filters: ``$and``, ``$eq`` (or a bare value),
``$ne``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .local_http import JsonHandler, serving

#: Page size of fetch_by_metadata when the request sets none (the API's default).
FETCH_BY_METADATA_LIMIT = 100


@dataclass
class PineconeState:
    api_key: str = "pc-local"
    namespaces: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)


def matches(metadata: dict[str, Any], condition: dict[str, Any]) -> bool:
    """The metadata filter operators the adapters use: $and, $eq (or a bare value), $ne."""
    if "$and" in condition:
        return all(matches(metadata, part) for part in condition["$and"])
    for key, test in condition.items():
        value = metadata.get(key)
        if not isinstance(test, dict):
            test = {"$eq": test}
        if "$eq" in test and value != test["$eq"]:
            return False
        if "$ne" in test and value == test["$ne"]:
            return False
    return True


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


class PineconeDataPlane(JsonHandler):
    def _authorised(self) -> bool:
        state: PineconeState = self.server.state  # type: ignore[attr-defined]
        if self.headers.get("api-key") == state.api_key:
            return True
        self.answer(401, {"code": 16, "message": "Invalid API Key", "details": []})
        return False

    def do_GET(self) -> None:  # noqa: N802
        state: PineconeState = self.server.state  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        if url.path != "/vectors/fetch":
            return self.answer(404, {"code": 5, "message": "not found", "details": []})
        if not self._authorised():
            return None
        state.calls.append("fetch")
        query = parse_qs(url.query)
        name = query.get("namespace", [""])[0]
        stored = state.namespaces.get(name, {})
        vectors = {i: stored[i] for i in query.get("ids", []) if i in stored}
        self.answer(200, {"vectors": vectors, "namespace": name, "usage": {"readUnits": 1}})

    def do_POST(self) -> None:  # noqa: N802
        routes = {
            "/vectors/upsert": self._upsert,
            "/query": self._query,
            "/vectors/fetch_by_metadata": self._fetch_by_metadata,
            "/vectors/delete": self._delete,
        }
        route = routes.get(self.path)
        if route is None:
            return self.answer(404, {"code": 5, "message": "not found", "details": []})
        if self._authorised():
            route(self.server.state, self.body())  # type: ignore[attr-defined]
        return None

    def _upsert(self, state: PineconeState, body: dict[str, Any]) -> None:
        state.calls.append("upsert")
        space = state.namespaces.setdefault(body.get("namespace", ""), {})
        for vector in body["vectors"]:
            space[vector["id"]] = {
                "id": vector["id"],
                "values": vector["values"],
                "metadata": vector.get("metadata", {}),
            }
        self.answer(200, {"upsertedCount": len(body["vectors"])})

    def _query(self, state: PineconeState, body: dict[str, Any]) -> None:
        state.calls.append("query")
        name = body.get("namespace", "")
        space = state.namespaces.get(name, {})
        query = body.get("vector") or space[body["id"]]["values"]
        candidates = [v for v in space.values() if matches(v["metadata"], body.get("filter") or {})]
        ranked = sorted(candidates, key=lambda v: -_cosine(query, v["values"]))
        found = []
        for vector in ranked[: body["topK"]]:
            match: dict[str, Any] = {"id": vector["id"], "score": _cosine(query, vector["values"])}
            if body.get("includeValues"):
                match["values"] = vector["values"]
            if body.get("includeMetadata"):
                match["metadata"] = vector["metadata"]
            found.append(match)
        self.answer(200, {"matches": found, "namespace": name, "usage": {"readUnits": 5}})

    def _fetch_by_metadata(self, state: PineconeState, body: dict[str, Any]) -> None:
        state.calls.append("fetch_by_metadata")
        name = body.get("namespace", "")
        if not body.get("filter"):
            return self.answer(400, {"code": 3, "message": "filter is required", "details": []})
        space = state.namespaces.get(name, {})
        chosen = [i for i in sorted(space) if matches(space[i]["metadata"], body["filter"])]
        start = int(body.get("paginationToken") or 0)
        limit = int(body.get("limit") or FETCH_BY_METADATA_LIMIT)
        page = chosen[start : start + limit]
        answer: dict[str, Any] = {
            "vectors": {i: space[i] for i in page},
            "namespace": name,
            "usage": {"readUnits": 1},
        }
        if start + limit < len(chosen):
            answer["pagination"] = {"next": str(start + limit)}
        return self.answer(200, answer)

    def _delete(self, state: PineconeState, body: dict[str, Any]) -> None:
        state.calls.append("delete")
        space = state.namespaces.get(body.get("namespace", ""), {})
        if body.get("deleteAll"):
            space.clear()
        for record_id in body.get("ids") or []:
            space.pop(record_id, None)
        if body.get("filter"):
            doomed = [i for i, v in space.items() if matches(v["metadata"], body["filter"])]
            for record_id in doomed:
                del space[record_id]
        self.answer(200, {})


@contextmanager
def running_pinecone(api_key: str = "pc-local") -> Iterator[tuple[str, PineconeState]]:
    """(index host URL, state) of a local Pinecone-shaped data plane, stopped on exit."""
    state = PineconeState(api_key=api_key)
    with serving(PineconeDataPlane, state) as url:
        yield url, state

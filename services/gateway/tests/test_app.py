"""The service face: readiness (producer + database), JSON errors on unknown routes, and
the committed OpenAPI document equals the generated one."""

from __future__ import annotations

import json
from pathlib import Path

from leadgen_gateway.openapi import document, render

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


async def test_ready_needs_the_producer_and_the_database(api):
    # EventBus.start marks the broker running once connected; a stopped producer is not.
    assert (await api.client.get("/readyz")).status_code == 200
    api.bus.broker.running = False
    try:
        response = await api.client.get("/readyz")
    finally:
        api.bus.broker.running = True
    assert response.status_code == 503
    assert response.json()["checks"] == {"kafka": True, "producer": False, "database": True}
    assert (await api.client.get("/healthz")).json() == {"status": "ok"}


async def test_unknown_route_and_method_are_json_errors(api, team):
    response = await api.client.get("/api/v1/nothing", headers=api.auth(team))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    response = await api.client.delete("/api/v1/leads", headers=api.auth(team))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_committed_openapi_matches_the_code():
    assert COMMITTED.exists(), "run: uv run python -m leadgen_gateway.openapi docs/openapi.json"
    assert json.loads(COMMITTED.read_text()) == document(), (
        "docs/openapi.json is stale; run: uv run python -m leadgen_gateway.openapi"
    )
    assert COMMITTED.read_text() == render()


def test_openapi_documents_every_route_with_bearer_auth():
    doc = document()
    routes = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert routes >= {
        ("/api/v1/icps", "post"),
        ("/api/v1/icps", "get"),
        ("/api/v1/icps/{icp_id}", "get"),
        ("/api/v1/icps/{icp_id}", "put"),
        ("/api/v1/icps/{icp_id}", "delete"),
        ("/api/v1/icps/{icp_id}/criteria-preview", "post"),
        ("/api/v1/prospecting/campaigns", "post"),
        ("/api/v1/prospecting/campaigns", "get"),
        ("/api/v1/prospecting/campaigns/{campaign_id}", "get"),
        ("/api/v1/prospecting/campaigns/{campaign_id}", "patch"),
        ("/api/v1/prospecting/campaigns/{campaign_id}/prospects", "get"),
        ("/api/v1/prospecting/prospects/{prospect_id}/convert", "post"),
        ("/api/v1/prospecting/prospects/{prospect_id}/reject", "post"),
        ("/api/v1/leads", "get"),
    }
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    campaign = doc["components"]["schemas"]["CampaignOut"]["properties"]
    assert {"progress", "platforms", "cost", "estimatedCompletion", "warnings"} <= set(campaign)

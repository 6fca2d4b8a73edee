"""HTTP RED metrics of create_service_app, read back from the process's Prometheus
registry: labels are route templates, never the values in a path."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from leadgen_common.kafka import EventBus
from leadgen_common.service import create_service_app
from leadgen_common.settings import ServiceSettings
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from starlette.middleware.base import BaseHTTPMiddleware

SERVICE = "http-metrics-test"
THING = "/red/things/{thing_id}"


class RefuseLarge(BaseHTTPMiddleware):
    """Like the gateway's request guard: answers before routing."""

    async def dispatch(self, request, call_next):
        if request.headers.get("x-too-large"):
            return JSONResponse({"code": "too_large"}, status_code=413)
        return await call_next(request)


def make_app() -> FastAPI:
    settings = ServiceSettings(service_name=SERVICE)
    app = create_service_app(settings, EventBus(settings))
    things = APIRouter(prefix="/things")  # included under /red, as the gateway's are

    @things.get("/{thing_id}")
    async def get_thing(thing_id: str) -> dict[str, str]:
        return {"id": thing_id}

    @things.get("/{thing_id}/parts/{n:int}")
    async def get_part(thing_id: str, n: int) -> dict[str, int]:
        return {"n": n}

    @things.post("")
    async def add_thing() -> JSONResponse:
        return JSONResponse({}, status_code=202)

    @app.get("/red/boom")
    async def boom() -> None:
        raise RuntimeError("unhandled")

    app.include_router(things, prefix="/red")
    app.add_middleware(RefuseLarge)  # added after create_service_app, as the gateway does
    return app


@pytest.fixture(scope="module")
async def client():
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def requests(method: str, route: str, status: str) -> float:
    labels = {"method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("leadgen_http_requests_total", labels) or 0.0


def timed(method: str, route: str) -> float:
    labels = {"method": method, "route": route}
    return REGISTRY.get_sample_value("leadgen_http_request_duration_seconds_count", labels) or 0.0


@pytest.mark.parametrize(
    ("method", "path", "route", "status", "headers"),
    [
        ("GET", "/red/things/42", THING, "200", {}),
        ("GET", "/red/things/43", THING, "200", {}),  # another id, the same series
        ("GET", "/red/things/43/parts/2", "/red/things/{thing_id}/parts/{n}", "200", {}),
        ("POST", "/red/things", "/red/things", "202", {}),
        ("DELETE", "/red/things/42", THING, "405", {}),
        ("GET", "/red/nowhere/42", "unmatched", "404", {}),
        ("GET", "/red/boom", "/red/boom", "500", {}),
        ("GET", "/red/things/44", THING, "413", {"x-too-large": "1"}),  # refused before routing
        ("PURGE", "/red/things/42", THING, "405", {}),
    ],
)
async def test_each_request_is_counted_under_its_route_template(
    client, method, path, route, status, headers
):
    label = "other" if method == "PURGE" else method
    before, before_timed = requests(label, route, status), timed(label, route)
    response = await client.request(method, path, headers=headers)
    assert response.status_code == int(status)
    assert requests(label, route, status) == before + 1
    assert timed(label, route) == before_timed + 1


async def test_probes_and_scrapes_are_not_counted(client):
    for path in ("/healthz", "/metrics", "/readyz", "/red/things/42"):
        await client.get(path)
    exposed = (await client.get("/metrics")).text
    routes = {
        sample.labels["route"]
        for family in text_string_to_metric_families(exposed)
        if family.name == "leadgen_http_requests"
        for sample in family.samples
    }
    assert THING in routes
    assert not routes & {"/healthz", "/metrics", "/readyz", "/red/things/42"}


async def test_build_info_names_the_service(client):
    exposed = (await client.get("/metrics")).text
    assert f'leadgen_build_info{{service="{SERVICE}",version="unknown"}} 1.0' in exposed

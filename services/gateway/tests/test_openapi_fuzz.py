"""Property-based HTTP tests of the gateway, generated from its own OpenAPI document
(issue 7, "Bad input, everywhere"), in process on a real migrated Postgres with the bus
under TestKafkaBroker (tests/conftest.py).

Every operation gets schemathesis cases in both modes: positive (what the schema allows)
and negative (what it refuses), a bounded number of each (``GATEWAY_FUZZ_EXAMPLES``, 8 by
default, derandomized so CI sees the same cases; raise it to explore). Path parameters are
sometimes ids that exist in the caller's team (an ICP, a campaign, its prospects), so the
cases reach the code behind the 404. Every answer must pass schemathesis's conformance
checks and ours: never a 5xx, and every 4xx a JSON error with a stable snake_case code."""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from leadgen_common.contracts import team_id_for
from leadgen_gateway.main import create_app
from leadgen_gateway.settings import GatewaySettings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from .conftest import (
    SAMPLE_ICP,
    Api,
    Seed,
    create_icp,
    running_gateway,
    start_campaign,
)

EXAMPLES = int(os.environ.get("GATEWAY_FUZZ_EXAMPLES", "8"))
#: The document the gateway serves (built without a database, as the OpenAPI export is).
SCHEMA = schemathesis.openapi.from_dict(
    create_app(GatewaySettings(environment="test", kafka_bootstrap_servers="127.0.0.1:1")).openapi()
)
#: Every operation; deletes last, so the ids the others are given still exist for them.
OPERATIONS = sorted(
    (result.ok() for result in SCHEMA.get_all_operations()),
    key=lambda op: op.method.upper() == "DELETE",
)
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
CHECKS = {
    GenerationMode.POSITIVE: [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ],
    GenerationMode.NEGATIVE: [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        negative_data_rejection,
    ],
}


def assert_clean_answer(response: httpx.Response, what: str) -> None:
    """No 5xx; a 4xx is ``{code, message, ...}`` JSON with a snake_case code."""
    assert response.status_code < 500, f"{what} -> {response.status_code}: {response.text[:500]}"
    if response.status_code >= 400:
        assert response.headers.get("content-type", "").startswith("application/json"), what
        body = response.json()
        assert isinstance(body, dict) and isinstance(body.get("message"), str), (what, body)
        assert CODE.match(str(body.get("code"))), (what, body)
        assert body["code"] != "http_error", f"an unmapped status: {what} -> {body}"


async def send(api: Api, kwargs: dict[str, Any]) -> httpx.Response:
    """A schemathesis request (requests-style keyword arguments) through the ASGI client."""
    body: dict[str, Any] = {}
    if "json" in kwargs:
        body["json"] = kwargs["json"]
    elif isinstance(kwargs.get("data"), bytes | str):
        body["content"] = kwargs["data"]
    elif kwargs.get("data") is not None:
        body["data"] = kwargs["data"]
    if kwargs.get("files"):
        body["files"] = kwargs["files"]
    headers = dict(kwargs.get("headers") or {})
    if kwargs.get("cookies"):
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in kwargs["cookies"].items())
    return await api.client.request(
        kwargs["method"], kwargs["url"], headers=headers, params=kwargs.get("params"), **body
    )


@pytest.fixture(scope="module")
async def fuzz_api(settings: GatewaySettings, gateway_engine: AsyncEngine) -> AsyncIterator[Api]:
    """One app for every case of this module, as conftest's ``api`` builds it (one per
    test cost more than the test's cases)."""
    async with running_gateway(settings, gateway_engine) as api:
        yield api


@pytest.fixture(scope="module")
def fuzz_team() -> str:
    return f"fuzz-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
async def known_ids(fuzz_api: Api, admin_engine: AsyncEngine, fuzz_team: str) -> dict:
    icp_body = json.loads(SAMPLE_ICP.read_text())
    return await seed_known_ids(fuzz_api, Seed(admin_engine), fuzz_team, icp_body)


async def seed_known_ids(api: Api, seed: Seed, team: str, icp_body: dict[str, Any]) -> dict:
    """Ids that exist in the team, by path parameter name: an ICP, a running campaign of
    it, two of its prospects (one in review) and a lead."""
    icp_id = await create_icp(api, team, icp_body)
    campaign_id = await start_campaign(
        api, team, icp_id, options={"maxProspects": 5, "autoConvert": False}
    )
    team_id, campaign = team_id_for(team), uuid.UUID(campaign_id)
    review = await seed.prospect(team_id, campaign, "fuzz-review", status="review", score=0.7)
    other = await seed.prospect(team_id, campaign, "fuzz-lead", status="converted", score=0.9)
    lead_id = await seed.lead(team_id, other, campaign)
    return {
        "icp_id": [icp_id],
        "campaign_id": [campaign_id],
        "prospect_id": [str(review), str(other)],
        "lead_id": [str(lead_id)],
    }


_STRATEGIES: dict[tuple, Any] = {}


def strategy(operation: Any, mode: GenerationMode, path: dict, auth: dict) -> Any:
    """Cases of ``operation``; the bearer token is fixed, so a negative case never gets
    its invalidity from a missing token (401 is covered by the auth tests)."""
    key = (operation.label, mode, tuple(sorted(path.items())), tuple(auth.items()))
    if key not in _STRATEGIES:
        _STRATEGIES[key] = operation.as_strategy(
            generation_mode=mode, path_parameters=path, headers=auth
        )
    return _STRATEGIES[key]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
@hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failing case is shown
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
async def test_every_operation_answers_cleanly(
    fuzz_api: Api, fuzz_team: str, known_ids: dict, operation: Any, mode: GenerationMode, data: Any
) -> None:
    api, team = fuzz_api, fuzz_team
    names = [p.name for p in operation.path_parameters]
    path: dict[str, str] = {}
    if names and all(n in known_ids for n in names) and data.draw(st.booleans(), label="known"):
        path = {n: data.draw(st.sampled_from(known_ids[n]), label=n) for n in names}
    auth = api.auth(team)
    case = data.draw(strategy(operation, mode, path, auth), label="case")
    kwargs = case.as_transport_kwargs(base_url="http://gateway")
    response = await send(api, kwargs)
    what = f"{operation.label} [{mode.value}] {case.as_curl_command()}"
    assert_clean_answer(response, what)
    case.validate_response(response, checks=CHECKS[mode], headers=kwargs["headers"])

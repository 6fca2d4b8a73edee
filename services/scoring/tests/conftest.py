"""Shared builders for the scoring tests: the sample ICP (spec appendix C, the copy the
dev stack ships), prospects shaped like what discovery and enrichment publish, the
bundled local embedder, and small local HTTP servers speaking the shape of the real APIs
the adapters call — the OpenAI embeddings endpoint and Pinecone's vector data plane
(request and response bodies as their API references give them; the Pinecone one is
leadgen_common.testing.pinecone, shared with the gateway's tests). Each server runs on a
free loopback port in a thread of the test process and its fixture shuts it down."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import pytest
from leadgen_common.contracts import CompanyData, Enrichment, Icp, ProspectProfile
from leadgen_common.samples import sample_icp_path
from leadgen_common.testing.fixtures import MigratedUrls
from leadgen_common.testing.local_http import JsonHandler, serving
from leadgen_common.testing.pinecone import running_pinecone


def load_sample_icp() -> Icp:
    return Icp.model_validate_json(sample_icp_path().read_text())


def profile(**fields: Any) -> ProspectProfile:
    base: dict[str, Any] = {
        "platform": "linkedin",
        "platform_profile_id": "li-000001",
        "profile_url": "https://www.linkedin.com/in/someone",
        "name": "Sam Someone",
    }
    return ProspectProfile(**{**base, **fields})


def enrichment(email_status: str | None = None, **company: Any) -> Enrichment:
    return Enrichment(
        company=CompanyData(**company) if company else None,
        email="sam@example.com" if email_status else None,
        email_status=email_status,
    )


#: Everything the sample ICP asks for.
PERFECT_PROFILE = profile(
    title="VP of Engineering",
    headline="VP of Engineering at Acme Cloud | Scaling engineering teams",
    company_name="Acme Cloud",
    company_domain="acme.io",
    location="San Francisco, California, United States",
    industry="Computer Software",
    summary=(
        "I lead engineering at Acme Cloud, a SaaS company. Focus: technical debt management, "
        "DevOps automation and security compliance, to improve development velocity."
    ),
    skills=["DevOps", "Kubernetes", "Engineering leadership"],
    activity={"posts_last_30d": 12, "last_active_days": 1, "followers": 4200, "connections": 900},
)
PERFECT_ENRICHMENT = enrichment(
    "valid",
    name="Acme Cloud",
    domain="acme.io",
    industry="SaaS",
    employees=180,
    employees_range="51-250",
    location="500 Market Street, San Francisco, California, United States",
    tags=["SAAS", "B2B"],
)

#: Close, not a fit: a manager one level below the ICP's titles, at a company a little
#: too big, in the right country, talking about some of the ICP's themes, seldom posting.
PARTIAL_PROFILE = profile(
    title="Engineering Manager",
    headline="Engineering Manager at Northwind",
    company_name="Northwind",
    location="Toronto, Ontario, Canada",
    industry="Information Technology & Services",
    summary="I lead a platform team. Working on DevOps automation and developer experience.",
    skills=["Python", "Terraform"],
    activity={"posts_last_30d": 2, "last_active_days": 20, "followers": 300},
)
PARTIAL_ENRICHMENT = enrichment(
    industry="IT Services",
    employees=1400,
    location="Toronto, Ontario, Canada",
)

#: Nothing in common with the sample ICP.
UNRELATED_PROFILE = profile(
    title="Store Manager",
    headline="Store Manager at Fresh Goods",
    company_name="Fresh Goods",
    location="Munich, Bavaria, Germany",
    industry="Retail",
    summary="Running a busy grocery store: inventory turnover, store footfall, team rotas.",
    skills=["Merchandising", "Retail operations"],
    activity={"posts_last_30d": 0, "last_active_days": 400, "connections": 40},
)
UNRELATED_ENRICHMENT = enrichment(industry="Retail", employees=12000, location="Munich, Germany")


#: name -> (profile, enrichment): how close each is to the sample ICP.
PROSPECTS = {
    "perfect": (PERFECT_PROFILE, PERFECT_ENRICHMENT),
    "partial": (PARTIAL_PROFILE, PARTIAL_ENRICHMENT),
    "unrelated": (UNRELATED_PROFILE, UNRELATED_ENRICHMENT),
}


@pytest.fixture(scope="session")
def sample_icp() -> Icp:
    return load_sample_icp()


@pytest.fixture(scope="session")
def prospects() -> dict[str, tuple[ProspectProfile, Enrichment]]:
    """``prospects["perfect" | "partial" | "unrelated"]`` -> (profile, enrichment)."""
    return PROSPECTS


@pytest.fixture(scope="session")
def make_profile():
    """``make_profile(**fields)``: a ProspectProfile with placeholder identity fields."""
    return profile


@pytest.fixture(scope="session")
def make_enrichment():
    """``make_enrichment(email_status=None, **company_fields)``."""
    return enrichment


@pytest.fixture(scope="session")
async def database(migrated_urls: MigratedUrls) -> dict[str, str]:
    """A database migrated to head on the session's real Postgres; URLs by role: ``admin``
    (owner) and ``scoring`` (the service's own role)."""
    return await migrated_urls("scoring")


@pytest.fixture(scope="session")
def onnx_embedder():
    """The bundled all-MiniLM-L6-v2 (loaded once per session: about half a second)."""
    from leadgen_scoring.adapters.embedder_onnx import OnnxEmbedder

    return OnnxEmbedder()


# --- OpenAI: POST /v1/embeddings --------------------------------------------------------


def text_vector(text: str, dimension: int) -> list[float]:
    """A deterministic, not normalised vector for a text (what a model returns, roughly)."""
    digest = hashlib.sha256(text.encode()).digest()
    return [((digest[i % 32] + i) % 17 - 8) / 4.0 for i in range(dimension)]


@dataclass
class OpenAIState:
    api_key: str = "sk-local"
    requests: list[dict[str, Any]] = field(default_factory=list)
    #: Statuses to answer before serving normally (e.g. [429, 500] -> two retries).
    failures: list[int] = field(default_factory=list)

    @staticmethod
    def vector(text: str, dimension: int) -> list[float]:
        return text_vector(text, dimension)


class OpenAIEmbeddings(JsonHandler):
    def do_POST(self) -> None:  # noqa: N802
        state: OpenAIState = self.server.state  # type: ignore[attr-defined]
        if self.path != "/v1/embeddings":
            return self.answer(404, {"error": {"message": "not found", "type": "invalid"}})
        if self.headers.get("authorization") != f"Bearer {state.api_key}":
            return self.answer(401, {"error": {"message": "bad key", "type": "auth"}})
        body = self.body()
        state.requests.append(body)
        if state.failures:
            status = state.failures.pop(0)
            error = {"error": {"message": f"try again ({status})", "type": "server_error"}}
            return self.answer(status, error, {"retry-after-ms": "10"})
        inputs = body["input"]
        if len(inputs) > 2048 or any(not text for text in inputs):
            return self.answer(400, {"error": {"message": "bad input", "type": "invalid"}})
        data = [
            {"object": "embedding", "index": i, "embedding": text_vector(t, body["dimensions"])}
            for i, t in enumerate(inputs)
        ]
        data.reverse()  # the API does not promise order; clients sort by index
        tokens = sum(len(t.split()) for t in inputs)
        self.answer(
            200,
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        )


@pytest.fixture
def openai_server():
    """(base URL with /v1, state): an OpenAI-shaped embeddings endpoint."""
    state = OpenAIState()
    with serving(OpenAIEmbeddings, state) as url:
        yield f"{url}/v1", state


@pytest.fixture
def pinecone_server():
    """(index host URL, state): a Pinecone-shaped vector data plane."""
    with running_pinecone() as (url, state):
        yield url, state

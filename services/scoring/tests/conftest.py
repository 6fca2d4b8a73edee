"""Shared builders for the scoring tests: the sample ICP (spec appendix C, the copy the
dev stack ships) and prospects shaped like what discovery and enrichment publish."""

from __future__ import annotations

from typing import Any

import pytest
from leadgen_common.contracts import CompanyData, Enrichment, Icp, ProspectProfile
from leadgen_common.samples import sample_icp_path
from leadgen_common.testing.fixtures import MigratedUrls


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

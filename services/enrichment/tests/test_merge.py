"""Merging provider findings into one Enrichment with provenance per field."""

from __future__ import annotations

from leadgen_common.contracts.events import CompanyData
from leadgen_enrichment.domain.merge import CompanyFinding, merge


def test_nothing_found_is_an_empty_enrichment():
    assert merge([]).company is None
    result = merge([CompanyFinding("clearbit", None)])
    assert result.company is None
    assert result.provenance == {}


def test_one_provider_fills_what_it_knows_and_is_named_for_each_field():
    company = CompanyData(name="Acme", industry="Software", employees=180, tags=["B2B"])
    result = merge([CompanyFinding("clearbit", company)])
    assert result.company == company
    assert result.provenance == {
        "company.name": "clearbit",
        "company.industry": "clearbit",
        "company.employees": "clearbit",
        "company.tags": "clearbit",
    }


def test_first_provider_wins_a_field_and_later_ones_fill_the_gaps():
    first = CompanyData(name="Acme", industry="Software", tags=[])
    second = CompanyData(name="ACME Inc", employees=200, tags=["SaaS"], description="")
    result = merge([CompanyFinding("clearbit", first), CompanyFinding("apollo", second)])
    assert result.company == CompanyData(
        name="Acme", industry="Software", employees=200, tags=["SaaS"]
    )
    assert result.provenance == {
        "company.name": "clearbit",
        "company.industry": "clearbit",
        "company.employees": "apollo",
        "company.tags": "apollo",
    }


def test_zero_is_a_value_not_a_gap():
    result = merge([CompanyFinding("clearbit", CompanyData(funding_raised_usd=0))])
    assert result.company == CompanyData(funding_raised_usd=0)
    assert result.provenance == {"company.funding_raised_usd": "clearbit"}

"""The pure decision of what enrichment does for a prospect."""

from __future__ import annotations

import pytest
from leadgen_common.identifiers import normalize_domain
from leadgen_enrichment.domain.plan import (
    AUTO_ENRICH_OFF,
    NO_COMPANY_DOMAIN,
    Enrich,
    Skip,
    plan,
)


def test_enriches_by_the_normalized_domain(make_discovered):
    assert plan(make_discovered(company_domain="https://www.Acme.io/about")) == Enrich("acme.io")


def test_auto_enrich_off_wins_over_everything(make_discovered):
    assert plan(make_discovered(auto_enrich=False)) == Skip(AUTO_ENRICH_OFF)
    assert plan(make_discovered(auto_enrich=False, company_domain=None)) == Skip(AUTO_ENRICH_OFF)


@pytest.mark.parametrize("domain", [None, "", "   ", "not a domain", "localhost", "http://"])
def test_nothing_to_look_up_is_skipped(make_discovered, domain):
    assert plan(make_discovered(company_domain=domain)) == Skip(NO_COMPANY_DOMAIN)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("acme.io", "acme.io"),
        ("  ACME.io. ", "acme.io"),
        ("www.acme.co.uk", "acme.co.uk"),
        ("http://www.acme.io:8080/x?y=1", "acme.io"),
        ("ada@Acme.io", "acme.io"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("acme", None),
        ("-acme.io", None),
        ("acme..io", None),
        ("1.2.3.4", None),
    ],
)
def test_normalize_domain(raw, normal):
    assert normalize_domain(raw) == normal

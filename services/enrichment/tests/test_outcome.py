"""How a prospect left the enrichment stage (the outcome counter's label)."""

from decimal import Decimal

import pytest
from leadgen_common.contracts.events import CompanyData, Enrichment, ProviderCall
from leadgen_enrichment.domain.outcome import outcome

NOTHING = Enrichment()
COMPANY = Enrichment(company=CompanyData(name="Acme"))


def call(status: str) -> ProviderCall:
    return ProviderCall(
        provider="clearbit", operation="company", status=status, cost=Decimal(0), latency_ms=1
    )


@pytest.mark.parametrize(
    ("skipped", "calls", "before", "after", "expected"),
    [
        ("budget", [call("success")], NOTHING, COMPANY, "skipped"),  # a reason wins
        ("suppressed", [], NOTHING, NOTHING, "skipped"),
        (None, [call("success")], NOTHING, COMPANY, "enriched"),
        (None, [call("failed"), call("success")], NOTHING, COMPANY, "enriched"),
        (None, [call("cached")], NOTHING, COMPANY, "enriched"),
        (None, [call("success")], NOTHING, NOTHING, "not_found"),
        (None, [], COMPANY, COMPANY, "not_found"),  # nothing to ask, nothing new
        (None, [call("success"), call("failed")], NOTHING, NOTHING, "failed"),
        (None, [call("rate_limited")], NOTHING, NOTHING, "failed"),
    ],
)
def test_outcome(skipped, calls, before, after, expected):
    assert outcome(skipped, calls, before, after) == expected

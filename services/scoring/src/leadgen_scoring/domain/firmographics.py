"""Firmographics: what the employer is — industry (provider's, platform's, or company
tags) against the ICP's industries, headcount against its size bands, and where the
company is against its geography. Enriched company data wins over the profile's."""

from __future__ import annotations

from leadgen_common.contracts import CompanyData, DimensionScore, Enrichment, ProspectProfile
from leadgen_common.contracts.icp import Firmographics

from . import industries, sizes
from .locations import location_rule
from .rules import UNKNOWN, Rule, combine
from .text import quote

INDUSTRY_WEIGHT, SIZE_WEIGHT, GEOGRAPHY_WEIGHT = 0.45, 0.35, 0.20
#: Must-haves: an industry the ICP names (a merely related one is not enough), and a
#: headcount within its sizes (or a reported range mostly within them).
INDUSTRY_MUST_MEET, SIZE_MUST_MEET = 0.9, sizes.OVERLAP


def score_firmographics(
    icp: Firmographics,
    profile: ProspectProfile,
    enrichment: Enrichment,
    similarity: Rule | None,
    unmet: list[Rule] | None = None,
) -> DimensionScore:
    company = enrichment.company or CompanyData()
    return combine(
        [
            _industry_rule(icp.industry, profile, company),
            _size_rule(icp.company_size, company),
            _geography_rule(icp.geographies, profile, company),
            similarity,
        ],
        every=True,
        neutral_reason="ICP sets no industries, company sizes or geography: neutral",
        unmet=unmet,
    )


def _industry_rule(
    wanted: list[str], profile: ProspectProfile, company: CompanyData
) -> Rule | None:
    if not wanted:
        return None
    named = [name for name in (company.industry, profile.industry) if name and name.strip()]
    matches = [(name, industries.best_match(name, wanted)) for name in named]
    best = max(matches, key=lambda pair: pair[1].score, default=None)
    if best is not None and best[1].score == 1.0:
        return _industry_reason("industry", best[0], best[1].relation, best[1].icp_industry)
    tagged = next(
        ((tag, icp) for tag in company.tags if (icp := industries.tag_match(tag, wanted))), None
    )
    if tagged is not None:
        return _industry_reason("company tag", tagged[0], "matches", tagged[1])
    if best is None:
        return Rule(UNKNOWN, INDUSTRY_WEIGHT, "no industry known")
    name, match = best
    if match.score > 0:
        return _industry_reason("industry", name, match.relation, match.icp_industry, match.score)
    listed = quote(", ".join(wanted))
    return Rule(
        0.0,
        INDUSTRY_WEIGHT,
        f"industry {quote(name)} is not among ICP industries {listed}",
        INDUSTRY_MUST_MEET,
    )


def _industry_reason(what: str, name: str, relation: str, icp: str, score: float = 1.0) -> Rule:
    reason = f"{what} {quote(name)} {relation} ICP {quote(icp)}"
    return Rule(score, INDUSTRY_WEIGHT, reason, INDUSTRY_MUST_MEET)


def _size_rule(wanted: list[str], company: CompanyData) -> Rule | None:
    if not wanted:
        return None
    bands = sizes.parse_bands(tuple(wanted))
    listed = quote(", ".join(wanted))
    if not bands:
        return Rule(None, 0.0, f"ICP company sizes {listed} not understood: size not scored")
    credit: float | None = None
    if company.employees is not None:
        credit, told = sizes.fit_count(company.employees, bands), f"{company.employees:,}"
    elif company.employees_range:
        credit, told = sizes.fit_range(company.employees_range, bands), company.employees_range
    if credit is None:
        return Rule(UNKNOWN, SIZE_WEIGHT, "no company size known")
    verdict = "within" if credit == 1.0 else "near" if credit > 0 else "outside"
    if credit == sizes.OVERLAP:
        verdict = "partly within"
    reason = f"company size {told} employees is {verdict} ICP sizes {listed}"
    return Rule(credit, SIZE_WEIGHT, reason, SIZE_MUST_MEET)


def _geography_rule(
    wanted: list[str], profile: ProspectProfile, company: CompanyData
) -> Rule | None:
    if company.location or not profile.location:
        return location_rule("company HQ", company.location, wanted, GEOGRAPHY_WEIGHT)
    # Most people work where their employer is: the person's location stands in.
    return location_rule(
        "company HQ unknown; person's location", profile.location, wanted, GEOGRAPHY_WEIGHT
    )

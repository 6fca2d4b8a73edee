"""Quality, measured: ICPs over 5,000 sandbox people, scored as the pipeline scores them —
each person as discovery's LinkedIn adapter reads the sandbox's member and enrichment's
Clearbit adapter reads their company, embedded by the bundled model.

- The sample ICP, against the ground truth of the persona each person was drawn from
  (personas.json: fits, hard negatives, ambiguous and non-fits).
- A second, very different ICP (leadgen_common.samples.INDUSTRIAL_OPERATIONS: operations
  and supply-chain leaders at industrial companies) over the same people: its top 50 is
  not the sample's, and its precision and recall are measured against what the sandbox
  generator drew for each person (function, seniority, employer's industry, size and
  country, last activity), since personas.json labels people against the sample ICP only.

Only this test reads the ground truth; the scoring service never does (checked below).

A profile's embedding does not depend on the ICP, so the 5,000 profile texts are embedded
once (about two minutes on a loaded two-core machine) and every further ICP costs its own
few texts and the rules: a second or two."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import leadgen_scoring
import pytest
from leadgen_common.contracts import CampaignOptions, Enrichment, Icp, ScoreOutcome
from leadgen_common.samples import INDUSTRIAL_OPERATIONS
from leadgen_devstack.sandbox import clearbit, linkedin
from leadgen_devstack.sandbox.geo import CITIES, COUNTRIES
from leadgen_devstack.sandbox.industries import INDUSTRIES
from leadgen_devstack.sandbox.personas import BAND_LABELS, archetypes
from leadgen_devstack.sandbox.population import Population, build_population
from leadgen_devstack.sandbox.roles import ROLE_BY_KEY, TITLE_ROLES
from leadgen_discovery.adapters.linkedin import _profile as discovered_profile
from leadgen_enrichment.adapters.clearbit import company_from_clearbit
from leadgen_scoring.adapters.embedder_cache import CachedEmbedder
from leadgen_scoring.domain import Scorer
from leadgen_scoring.domain.scorer import ScoreResult
from leadgen_scoring.semantics import SemanticScoring, ToCompare

PEOPLE = 5_000
#: The dev stack's generator and seed, at a size that builds in about two seconds.
POPULATION = 20_000
TOP = 50
#: Top 50s of two ICPs that share no function, title or industry may have at most this
#: many people in common. Nobody can meet both ICPs' title and industry must-haves, so
#: nobody qualified for one is above the other's review cap; 5 (a tenth) leaves room for
#: ties at that cap and for the semantic similarity, which both ICPs' texts share a little
#: of ("operational costs" is a goal of the sample too). Measured: 0.
MAX_TOP_OVERLAP = 5

#: Ground truth of the second ICP, from the generator's columns. Its job titles are
#: spellings of these roles (COO; VP Operations; Director of Operations; Head of Supply
#: Chain = Head of Operations; Operations and Supply Chain Manager = Operations Manager).
OPERATIONS_ROLES = frozenset(
    {"COO", "VP Operations", "Director of Operations", "Head of Operations", "Operations Manager"}
)
#: One level below the lowest title the ICP names (Senior Buyer, Senior Operations
#: Analyst): a judgement call, left out like the sample ICP's adjacent titles.
ADJACENT_ROLES = frozenset({"Senior Operations Analyst"})
INDUSTRIAL = frozenset({"Manufacturing", "Automotive", "Logistics", "Energy"})
SIZES = frozenset({"51-200", "201-500", "501-1000", "1001-5000", "5001-10000"})
#: The sandbox's countries in North America and Europe (the ICP's location and geography).
NORTH_AMERICA_AND_EUROPE = frozenset(
    {"US", "CA", "MX", "GB", "IE", "FR", "DE", "NL", "ES", "IT", "SE", "CH", "PL"}
)
#: Seen on the platform within half a year.
ACTIVE_DAYS = 180


class NoVectors:
    async def upsert_prospects(self, prospects) -> None:
        return None


def prospect_of(person):
    profile = discovered_profile(linkedin.profile(person))
    company = company_from_clearbit(clearbit.company_record(person.company))
    return profile, Enrichment(company=company)


@pytest.fixture(scope="module")
def sandbox() -> tuple[Population, list[int]]:
    """The population and the indexes of the 5,000 people sampled from it."""
    population = build_population(POPULATION)
    return population, random.Random(20_240_611).sample(range(population.size), PEOPLE)


@pytest.fixture(scope="module")
def industrial_icp() -> Icp:
    return Icp.model_validate_json(INDUSTRIAL_OPERATIONS.read_text())


@pytest.fixture(scope="module")
def score_everyone(sandbox, onnx_embedder) -> Callable[[Icp], list[ScoreResult]]:
    """``score_everyone(icp)``: the result of every sampled person, in sample order. The
    profile texts go through the embedder once; later ICPs find them in the cache."""
    population, indexes = sandbox
    prospects = [prospect_of(population.person(i)) for i in indexes]
    semantics = SemanticScoring(CachedEmbedder(onnx_embedder, 2 * PEOPLE), NoVectors())
    scorer, options = Scorer(), CampaignOptions()
    scored: dict[str, list[ScoreResult]] = {}

    def score(icp: Icp) -> list[ScoreResult]:
        key = icp.model_dump_json()
        if key not in scored:
            campaign, team = uuid.uuid4(), uuid.uuid4()
            items = [ToCompare(team, campaign, uuid.uuid4(), p, icp) for p, _ in prospects]
            similarities = asyncio.run(semantics.compare(items))
            scored[key] = [
                scorer.score(icp, profile, enrichment, options, similarity)
                for (profile, enrichment), similarity in zip(prospects, similarities, strict=True)
            ]
        return scored[key]

    return score


def precision_recall(results: Sequence[ScoreResult], labels: Sequence[str]):
    """(fits, precision, recall, counts) of ``qualified`` against fit / ambiguous / other."""
    counts: Counter[str] = Counter()
    for result, label in zip(results, labels, strict=True):
        if label == "ambiguous":  # a judgement call: out of precision and recall
            continue
        qualified = result.outcome is ScoreOutcome.QUALIFIED
        counts[("t" if qualified == (label == "fit") else "f") + ("p" if qualified else "n")] += 1
    fits = counts["tp"] + counts["fn"]  # a missed fit is a false negative
    precision = counts["tp"] / max(1, counts["tp"] + counts["fp"])
    return fits, precision, counts["tp"] / max(1, fits), counts


def industrial_label(population: Population, index: int) -> str:
    """fit / ambiguous / non_fit against the second ICP, from what the generator drew."""
    people, companies = population.people_columns, population.company_columns
    role = TITLE_ROLES[people.title[index]]
    employer = (
        INDUSTRIES[people.industry[index]].name in INDUSTRIAL
        and BAND_LABELS[people.band[index]] in SIZES
        and COUNTRIES[companies.country[people.company[index]]].code in NORTH_AMERICA_AND_EUROPE
        and CITIES[people.city[index]].country_code in NORTH_AMERICA_AND_EUROPE
    )
    active = people.last_active[index] <= ACTIVE_DAYS
    if role.key in OPERATIONS_ROLES and employer and active:
        return "fit"
    if role.key in ADJACENT_ROLES and employer and active:
        return "ambiguous"
    return "non_fit"


def top(results: Sequence[ScoreResult], n: int = TOP) -> list[int]:
    """Positions of the ``n`` best icp_match_scores (ties by position: deterministic)."""
    return sorted(range(len(results)), key=lambda i: (-results[i].icp_match_score, i))[:n]


@pytest.mark.timeout(1200)  # the embedding is slow when the machine is shared
def test_sample_icp_precision_and_recall_of_qualified(sample_icp, sandbox, score_everyone):
    population, indexes = sandbox
    labels = [archetypes()[population.people_columns.archetype[i]].sample_icp for i in indexes]
    fits, precision, recall, counts = precision_recall(score_everyone(sample_icp), labels)
    print(f"\nsample ICP over {PEOPLE} sandbox people: {fits} fits, precision "
          f"{precision:.3f}, recall {recall:.3f} ({counts})")  # fmt: skip
    assert fits >= 80, "too few fits in the sample to measure"
    assert precision >= 0.90
    assert recall >= 0.80


@pytest.mark.timeout(1200)
def test_a_very_different_icp_has_a_different_top_50(
    sample_icp, industrial_icp, sandbox, score_everyone
):
    population, indexes = sandbox
    sample, industrial = score_everyone(sample_icp), score_everyone(industrial_icp)
    sample_top, industrial_top = top(sample), top(industrial)
    common = set(sample_top) & set(industrial_top)
    qualified = [
        sum(results[i].outcome is ScoreOutcome.QUALIFIED for i in best)
        for results, best in ((sample, sample_top), (industrial, industrial_top))
    ]
    titles = Counter(TITLE_ROLES[population.people_columns.title[indexes[i]]].function
                     for i in industrial_top)  # fmt: skip
    print(f"\ntop {TOP} of the sample ICP and of {industrial_icp.name!r}: {len(common)} in "
          f"common; qualified among them {qualified[0]} and {qualified[1]}; functions of "
          f"the second: {dict(titles)}")  # fmt: skip
    # Both lists are made of real matches, so they differ because the ICPs do.
    assert min(qualified) >= 20
    assert len(common) <= MAX_TOP_OVERLAP


@pytest.mark.timeout(1200)
def test_second_icp_precision_and_recall_of_qualified(industrial_icp, sandbox, score_everyone):
    roles_named = {
        next(key for key, role in ROLE_BY_KEY.items() if title in role.spellings)
        for title in industrial_icp.demographics.job_titles
    }
    assert roles_named == OPERATIONS_ROLES  # the ground truth says what the ICP says
    population, indexes = sandbox
    labels = [industrial_label(population, i) for i in indexes]
    fits, precision, recall, counts = precision_recall(score_everyone(industrial_icp), labels)
    print(f"\n{industrial_icp.name!r} over {PEOPLE} sandbox people: {fits} fits, "
          f"{labels.count('ambiguous')} ambiguous, precision {precision:.3f}, recall "
          f"{recall:.3f} ({counts})")  # fmt: skip
    assert fits >= 30, "too few fits in the sample to measure"
    # Measured 1.000 and 0.674. Recall is under the 0.80 the sample ICP must reach: the
    # rules pass every fit (no must-have unmet), but the embedding similarity is
    # calibrated on the sample ICP (similarity.MINILM_CALIBRATION), and this ICP's fits
    # sit lower on those ramps. The floors guard against a regression.
    assert precision >= 0.90
    assert recall >= 0.60


def test_the_scoring_service_never_reads_the_ground_truth():
    package = Path(leadgen_scoring.__file__).parent
    sources = {path: path.read_text() for path in package.rglob("*.py")}
    assert sources
    readers = [
        str(path)
        for path, text in sources.items()
        if "personas" in text or "leadgen_devstack" in text
    ]
    assert readers == []

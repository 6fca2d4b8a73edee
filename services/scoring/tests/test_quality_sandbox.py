"""Quality, measured: the sample ICP over 5,000 sandbox people, scored as the pipeline
scores them — each person as discovery's LinkedIn adapter reads the sandbox's member
and enrichment's Clearbit adapter reads their company, embedded by the bundled model —
and compared with the ground truth of the persona each person was drawn from
(personas.json: fits, hard negatives, ambiguous and non-fits). Only this test reads the
ground truth; the scoring service never does (checked below).

About two minutes on a loaded two-core machine: the embedding of 5,000 profile texts."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from pathlib import Path

import leadgen_scoring
import pytest
from leadgen_common.contracts import CampaignOptions, Enrichment, ScoreOutcome
from leadgen_devstack.sandbox import clearbit, linkedin
from leadgen_devstack.sandbox.personas import archetypes
from leadgen_devstack.sandbox.population import build_population
from leadgen_discovery.adapters.linkedin import _profile as discovered_profile
from leadgen_enrichment.adapters.clearbit import company_from_clearbit
from leadgen_scoring.domain import Scorer
from leadgen_scoring.semantics import SemanticScoring, ToCompare

PEOPLE = 5_000
#: The dev stack's generator and seed, at a size that builds in about two seconds.
POPULATION = 20_000


class NoVectors:
    async def upsert_prospects(self, prospects) -> None:
        return None


def sample_people():
    population = build_population(POPULATION)
    indexes = random.Random(20_240_611).sample(range(population.size), PEOPLE)
    labels = [archetypes()[population.people_columns.archetype[i]].sample_icp for i in indexes]
    people = [population.person(i) for i in indexes]
    return people, labels


def prospect_of(person):
    profile = discovered_profile(linkedin.profile(person))
    company = company_from_clearbit(clearbit.company_record(person.company))
    return profile, Enrichment(company=company)


@pytest.mark.timeout(1200)  # the embedding is slow when the machine is shared
def test_sample_icp_precision_and_recall_of_qualified(sample_icp, onnx_embedder):
    people, labels = sample_people()
    prospects = [prospect_of(person) for person in people]
    campaign, team = uuid.uuid4(), uuid.uuid4()
    semantics = SemanticScoring(onnx_embedder, NoVectors())
    similarities = asyncio.run(
        semantics.compare(
            [ToCompare(team, campaign, uuid.uuid4(), p, sample_icp) for p, _ in prospects]
        )
    )
    scorer, options = Scorer(), CampaignOptions()
    counts: Counter[str] = Counter()
    for (profile, enrichment), similarity, label in zip(
        prospects, similarities, labels, strict=True
    ):
        if label == "ambiguous":  # a judgement call: out of precision and recall
            continue
        result = scorer.score(sample_icp, profile, enrichment, options, similarity)
        qualified = result.outcome is ScoreOutcome.QUALIFIED
        counts[("t" if qualified == (label == "fit") else "f") + ("p" if qualified else "n")] += 1
    fits = counts["tp"] + counts["fn"]  # a missed fit is a false negative
    precision = counts["tp"] / max(1, counts["tp"] + counts["fp"])
    recall = counts["tp"] / max(1, fits)
    print(f"\nsample ICP over {PEOPLE} sandbox people: {fits} fits, precision "
          f"{precision:.3f}, recall {recall:.3f} ({counts})")  # fmt: skip
    assert fits >= 80, "too few fits in the sample to measure"
    assert precision >= 0.90
    assert recall >= 0.80


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

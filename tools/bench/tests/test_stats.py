"""The bench's arithmetic: percentiles, sustained rates, goals (no timing measured here)."""

from __future__ import annotations

import pytest
from leadgen_bench.report import goals
from leadgen_bench.stats import latency_ms, percentile, sustained_rate


def test_percentiles_interpolate_between_ranks_like_numpy() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 0.5) == pytest.approx(50.5)
    assert percentile(values, 0.95) == pytest.approx(95.05)
    assert percentile([3.0], 0.99) == 3.0
    assert percentile([], 0.5) is None
    assert latency_ms([0.010, 0.020, 0.030]) == {
        "n": 3, "p50_ms": 20.0, "p95_ms": 29.0, "p99_ms": 29.8
    }  # fmt: skip


def test_sustained_rate_leaves_out_ramp_up_and_tail() -> None:
    # 100 items at 10/s, preceded by a slow start and followed by a straggler.
    steady = [10.0 + i / 10 for i in range(100)]
    times = [0.0, 5.0, *steady, 60.0]
    assert sustained_rate(times) == pytest.approx(10.0, rel=0.05)
    assert sustained_rate([1.0, 2.0]) is None  # too few to say
    assert sustained_rate([5.0] * 20) is None  # no time passed


def test_goals_say_met_not_met_or_unmeasured() -> None:
    results = {
        "ratios": {"pipeline_vs_embedder": 0.9, "noop_embedder_pipeline_vs_noop_chain": None},
        "scoring": {"domain_ms_per_prospect": 0.1},
        "enrichment": {"hit_p95_ms": 60.0},
        "gateway": {"p95_ms": 10.0},
        "limiter": {"over_admissions": 1},
        "memory": {"scoring": {"growth_after_10pct_mib": 3.0}},
    }
    met = {name: goal["met"] for name, goal in goals(results).items()}
    assert met == {
        "pipeline_vs_embedder >= 0.8": True,
        "noop_pipeline_vs_noop_chain >= 0.5": None,
        "scoring domain < 1 ms/prospect": True,
        "enrichment hit p95 < 50 ms": False,
        "gateway p95 < 50 ms at 200/s": True,
        "limiter over-admissions == 0": False,
        "largest RSS growth from 10% of the campaign to its end (MiB)": None,
    }

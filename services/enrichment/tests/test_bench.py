"""The enrichment benchmark command runs end to end at a tiny size and reports
well-formed figures (no timing is asserted: the numbers are the machine's)."""

from __future__ import annotations

import json

from leadgen_enrichment import bench


def test_bench_prints_a_table_and_writes_json(tmp_path, capsys):
    out = tmp_path / "bench" / "enrichment.json"
    assert bench.main(["--prospects", "3", "--latency-ms", "5", "0", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| 5 ms | miss | 3 |" in printed and "| 0 ms | hit | 3 |" in printed
    document = json.loads(out.read_text())
    assert document["prospects"] == 3
    results = document["results"]
    assert [(r["latency_ms"], r["cache"]) for r in results] == [
        (5, "miss"),
        (5, "hit"),
        (0, "miss"),
        (0, "hit"),
    ]
    for r in results:
        assert r["prospects"] == 3
        assert 0 < r["p50_ms"] <= r["p95_ms"] <= r["max_ms"]
        assert r["calls_per_prospect"] >= 1
    for miss, hit in zip(results[::2], results[1::2], strict=True):
        # every provider answer of the first pass was paid for, then served from the cache
        assert "cached" not in miss["statuses"] and miss["statuses"].get("success", 0) >= 3
        assert set(hit["statuses"]) == {"cached"}
        assert sum(hit["statuses"].values()) == sum(miss["statuses"].values())


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert bench.percentile(values, 0.5) == 50.0
    assert bench.percentile(values, 0.95) == 95.0
    assert bench.percentile([7.0], 0.95) == 7.0

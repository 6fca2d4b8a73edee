"""`make bench` in miniature on the session stack: every part of the benchmark runs, tiny
(a 60-prospect campaign, 200 messages through the no-op chain, a 2-second gateway load,
...), and its results file is produced and valid against bench/schema.json. No figure
is asserted: timings on a shared machine are for the printed table, never for a test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from leadgen_bench.cli import schema_path

pytestmark = pytest.mark.stack


def test_bench_smoke_writes_results_valid_against_the_schema(
    stack: dict[str, str], stack_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, "-m", "leadgen_bench", "--smoke", "--stack-home", str(stack_home),
         "--out", str(out)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr}"
    results = json.loads(out.read_text())
    jsonschema.validate(results, json.loads(schema_path().read_text()))
    assert results["mode"] == "smoke"
    assert results["pipeline"]["prospects"] == results["pipeline"]["campaign"]["progress"]["scored"]
    assert results["pipeline"]["noop_embedder"] is None  # the extra stacks are not started
    assert results["limiter"]["bucket"]["limit_reached"], "the limiter never reached its limit"
    assert "ratio pipeline / raw embedder" in run.stdout


def test_the_schema_refuses_results_missing_a_required_figure() -> None:
    """The smoke test's check can fail: a document without pipeline.prospects_per_s, or
    with a negative rate, is not valid."""
    schema = json.loads(schema_path().read_text())
    example = json.loads((schema_path().parent / "results.json").read_text())
    jsonschema.validate(example, schema)
    del example["pipeline"]["prospects_per_s"]
    with pytest.raises(jsonschema.ValidationError, match="prospects_per_s"):
        jsonschema.validate(example, schema)
    example = json.loads((schema_path().parent / "results.json").read_text())
    example["baseline"]["noop_chain_per_s"] = -1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(example, schema)

"""The observability files (deploy/observability) as data, for their tests and one generator.

- ``python -m leadgen_devstack.observability`` rewrites the Prometheus operator's
  ``PrometheusRule`` (deploy/observability/k8s/prometheus-rule.yaml) from the one rules file
  docker-compose's Prometheus loads (deploy/observability/rules/leadgen.rules.yml); a test
  fails when the two drift apart (``--check`` tells the same without writing).
- ``promtool()`` finds promtool for the rule tests: on PATH, else Debian's ``prometheus``
  package downloaded (``apt-get download``) and unpacked (``dpkg-deb -x``) into a cache dir,
  never installed system-wide; offline once cached.
- ``metric_names(expr)`` names the metrics a PromQL expression reads (parsed, not matched
  with regexes), for the test that every metric a rule or a dashboard panel reads exists.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .config import repo_root

OBSERVABILITY = repo_root() / "deploy" / "observability"
RULES = OBSERVABILITY / "rules" / "leadgen.rules.yml"
RULE_TESTS = OBSERVABILITY / "rules" / "tests"
DASHBOARDS = OBSERVABILITY / "grafana" / "dashboards"
PROVISIONING = OBSERVABILITY / "grafana" / "provisioning"
PROMETHEUS_RULE = OBSERVABILITY / "k8s" / "prometheus-rule.yaml"

GENERATED_HEADER = (
    "# GENERATED from deploy/observability/rules/leadgen.rules.yml by\n"
    "# `uv run python -m leadgen_devstack.observability`: edit the rules file, not this one\n"
    "# (make test fails when they differ). The Prometheus operator loads it; its Prometheus\n"
    "# must select it (ruleSelector: e.g. app.kubernetes.io/part-of=leadgen).\n"
)


# ------------------------------------------------------------------------ PrometheusRule


def prometheus_rule() -> dict[str, Any]:
    """The rules file's groups wrapped in a monitoring.coreos.com/v1 PrometheusRule."""
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "leadgen", "labels": {"app.kubernetes.io/name": "leadgen"}},
        "spec": {"groups": groups},
    }


def render_prometheus_rule() -> str:
    # width: each expression on one line (the default folds them mid-expression)
    body = yaml.safe_dump(prometheus_rule(), sort_keys=False, width=10_000, allow_unicode=True)
    return GENERATED_HEADER + body


def write_prometheus_rule(*, check: bool = False) -> bool:
    """Write the PrometheusRule (or with ``check`` only compare); True when it was current."""
    text = render_prometheus_rule()
    current = PROMETHEUS_RULE.exists() and PROMETHEUS_RULE.read_text() == text
    if not current and not check:
        PROMETHEUS_RULE.parent.mkdir(parents=True, exist_ok=True)
        PROMETHEUS_RULE.write_text(text)
    return current


# ----------------------------------------------------------------------------- promtool


class PromtoolUnavailable(RuntimeError):
    """promtool is not on PATH and Debian's prometheus package could not be fetched."""


def tools_cache() -> Path:
    """``LEADGEN_TOOLS_CACHE``, else ``$XDG_CACHE_HOME/leadgen/tools`` (~/.cache/...)."""
    if explicit := os.environ.get("LEADGEN_TOOLS_CACHE"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "leadgen" / "tools"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One process at a time (pytest-xdist's workers may ask together)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def promtool() -> Path:
    """promtool on PATH, else the one of Debian's ``prometheus`` package in the cache
    (fetched the first time: ``apt-get update`` once when apt's lists do not know the
    package yet, which needs root). Raises ``PromtoolUnavailable`` saying what failed."""
    if found := shutil.which("promtool"):
        return Path(found)
    root = tools_cache() / "prometheus"
    binary = root / "usr" / "bin" / "promtool"
    if binary.exists():
        return binary
    for needed in ("apt-get", "dpkg-deb"):
        if not shutil.which(needed):
            raise PromtoolUnavailable(
                f"promtool is not on PATH and {needed} is missing to fetch Debian's "
                "prometheus package: install promtool (e.g. `apt-get install prometheus`)"
            )
    with _locked(tools_cache() / "prometheus.lock"):
        if binary.exists():
            return binary
        with tempfile.TemporaryDirectory(dir=tools_cache()) as scratch:
            work = Path(scratch)
            download = _run(["apt-get", "download", "prometheus"], work)
            if download.returncode != 0 and os.geteuid() == 0:
                _run(["apt-get", "update", "-q"], work)
                download = _run(["apt-get", "download", "prometheus"], work)
            debs = sorted(work.glob("prometheus_*.deb"))
            if download.returncode != 0 or not debs:
                raise PromtoolUnavailable(
                    "promtool is not on PATH and `apt-get download prometheus` failed "
                    f"(run `apt-get update` as root first?):\n{download.stderr.strip()}"
                )
            unpacked = work / "deb"
            extract = _run(["dpkg-deb", "-x", str(debs[0]), str(unpacked)], work)
            if extract.returncode != 0 or not (unpacked / "usr" / "bin" / "promtool").exists():
                raise PromtoolUnavailable(f"dpkg-deb -x {debs[0].name} failed: {extract.stderr}")
            # promtool alone (static Go binary, 20 MB of the package's 95 MB unpacked)
            kept = work / "root" / "usr" / "bin"
            kept.mkdir(parents=True)
            (unpacked / "usr" / "bin" / "promtool").rename(kept / "promtool")
            shutil.rmtree(root, ignore_errors=True)
            (work / "root").rename(root)  # whole, or not at all: the check above sees either
    return binary


# ------------------------------------------------------------------------ PromQL names

#: Grafana's macros, replaced by a duration so the query parses as plain PromQL.
_GRAFANA_MACROS = re.compile(r"\$__(rate_interval|interval|range)\b|\$\{__\w+\}")


def metric_names(expr: str) -> set[str]:
    """The metric names ``expr`` selects (``foo_bucket`` stays ``foo_bucket``: see
    ``exposed_names``). Raises ValueError for a query that does not parse or selects
    without a metric name."""
    import promql_parser

    parsed = promql_parser.parse(_GRAFANA_MACROS.sub("5m", expr))
    names: set[str] = set()

    def visit(node: Any) -> bool:
        if isinstance(node, promql_parser.VectorSelector):
            name = node.name or next(
                (m.value for m in node.matchers.matchers if m.name == "__name__"), None
            )
            if not name:
                raise ValueError(f"a selector without a metric name in {expr!r}")
            names.add(name)
        return True

    promql_parser.walk(parsed, visit)
    return names


def label_names(expr: str) -> set[str]:
    """Every label name ``expr`` matches on or groups by (selectors, by/without,
    on/ignoring, group_left/group_right)."""
    import promql_parser

    parsed = promql_parser.parse(_GRAFANA_MACROS.sub("5m", expr))
    labels: set[str] = set()

    def visit(node: Any) -> bool:
        if isinstance(node, promql_parser.VectorSelector):
            labels.update(m.name for m in node.matchers.matchers if m.name != "__name__")
        elif isinstance(node, promql_parser.AggregateExpr) and node.modifier is not None:
            labels.update(node.modifier.labels)
        elif isinstance(node, promql_parser.BinaryExpr) and node.modifier is not None:
            matching = node.modifier.matching
            if matching is not None:
                labels.update(matching.labels)
            labels.update(node.modifier.group_labels or ())
        return True

    promql_parser.walk(parsed, visit)
    return labels


def exposed_names(metrics_text: str) -> set[str]:
    """Every series name a /metrics page can hold, from its ``# TYPE`` lines and samples: a
    counter gives ``foo_total`` (prometheus-client's text format already names the family
    so; OpenMetrics names it ``foo``), a histogram ``foo_bucket``/``_sum``/``_count``, a
    gauge ``foo``. A family counts before its first sample: a labelled metric nobody has
    incremented yet still exists."""
    suffixes = {
        "counter": ("_total", "_created"),
        "histogram": ("_bucket", "_sum", "_count", "_created"),
        "summary": ("", "_sum", "_count", "_created"),
        "gaugehistogram": ("_bucket", "_gsum", "_gcount"),
        "info": ("_info",),
    }
    names: set[str] = set()
    for line in metrics_text.splitlines():
        if line.startswith("# TYPE "):
            _, _, family, kind = line.split(maxsplit=3)
            kind = kind.strip()
            if kind == "counter" and family.endswith("_total"):
                family = family.removesuffix("_total")
            names.update(family + suffix for suffix in suffixes.get(kind, ("",)))
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{\s]", line, maxsplit=1)[0])
    return names


# --------------------------------------------------------------------- rules, dashboards


@cache
def rules() -> list[dict[str, Any]]:
    """Every rule of the rules file (read once per process)."""
    return [
        rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]
    ]


@cache
def dashboards() -> dict[str, dict[str, Any]]:
    """File name -> dashboard JSON (read once per process)."""
    return {path.name: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob("*.json"))}


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, those inside collapsed rows included."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def expressions() -> dict[str, str]:
    """Where -> PromQL: every rule's expr and every dashboard panel target's expr."""
    found = {f"rule {r.get('alert') or r['record']}": r["expr"] for r in rules()}
    for name, dashboard in dashboards().items():
        for panel in panels(dashboard):
            for target in panel.get("targets", []):
                where = (
                    f"{name} panel {panel.get('id')} {panel.get('title')!r} {target.get('refId')}"
                )
                found[where] = target.get("expr", "")
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    current = write_prometheus_rule(check=check)
    rel = PROMETHEUS_RULE.relative_to(repo_root())
    if current:
        print(f"{rel} is up to date")
        return 0
    print(f"{rel} {'differs from the rules file' if check else 'rewritten'}")
    return 1 if check else 0


if __name__ == "__main__":
    raise SystemExit(main())

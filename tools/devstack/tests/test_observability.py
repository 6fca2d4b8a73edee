"""Offline checks of deploy/observability: the Prometheus rules with promtool (syntax, the unit
tests of rules/tests, compose's Prometheus config loading them), the rules' own conventions,
the Grafana dashboards and provisioning, the generated PrometheusRule, and the PromQL
metric-name extraction the stack test (tests/test_observability_metrics.py) relies on.

promtool comes from PATH or Debian's prometheus package unpacked into a cache
(leadgen_devstack.observability.promtool): a machine where neither works fails here, it
does not skip.
"""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from leadgen_common.testing.metric_catalogue import markdown_table, series_names
from leadgen_devstack import observability as obs
from leadgen_devstack.config import repo_root

ROOT = repo_root()
SEVERITIES = {"critical", "warning"}
#: Label names that would carry an id (unbounded): never in a rule or a panel query.
ID_LABEL = re.compile(r"(^|_)ids?$")


@cache
def promtool() -> str:
    try:
        return str(obs.promtool())
    except obs.PromtoolUnavailable as err:
        pytest.fail(str(err))


def run_promtool(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def alerts() -> dict[str, dict[str, Any]]:
    return {r["alert"]: r for r in obs.rules() if "alert" in r}


def recorded() -> set[str]:
    return {r["record"] for r in obs.rules() if "record" in r}


@cache
def rule_tests() -> dict[str, dict[str, Any]]:
    return {p.name: yaml.safe_load(p.read_text()) for p in sorted(obs.RULE_TESTS.glob("*.yml"))}


# ------------------------------------------------------------------------------ promtool


def test_promtool_unavailable_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No promtool on PATH, an empty cache and no apt-get: a clear error, not a skip."""
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("LEADGEN_TOOLS_CACHE", str(tmp_path / "cache"))
    with pytest.raises(obs.PromtoolUnavailable, match="apt-get is missing"):
        obs.promtool()


def test_rules_pass_promtool_check() -> None:
    result = run_promtool("check", "rules", str(obs.RULES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_rule_unit_tests_pass() -> None:
    files = sorted(str(p) for p in obs.RULE_TESTS.glob("*.yml"))
    assert files
    result = run_promtool("test", "rules", *files)
    assert result.returncode == 0, result.stdout + result.stderr


def compose_prometheus_mounts() -> dict[str, Path]:
    """Container path -> host path of the compose Prometheus' bind mounts."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    mounts = {}
    for volume in compose["services"]["prometheus"]["volumes"]:
        host, container, *_ = volume.split(":")
        mounts[container] = (ROOT / host).resolve()
    return mounts


def test_compose_prometheus_config_loads_the_rules(tmp_path: Path) -> None:
    """promtool check config on compose's prometheus.yml with its rule_files globs mapped
    through the compose volumes to this checkout: the globs must find the rules file (so
    Prometheus in compose loads it), and config and rules must pass together."""
    mounts = compose_prometheus_mounts()
    config_path = ROOT / "deploy" / "compose" / "prometheus.yml"
    assert mounts["/etc/prometheus/prometheus.yml"] == config_path.resolve()
    config = yaml.safe_load(config_path.read_text())
    local = []
    for pattern in config["rule_files"]:
        container_dir = next(c for c in mounts if pattern.startswith(c + "/"))
        local.append(str(mounts[container_dir]) + pattern[len(container_dir) :])
    matched = {Path(p) for pattern in local for p in _glob(pattern)}
    assert matched == {obs.RULES.resolve()}, f"rule_files {config['rule_files']} load {matched}"
    config["rule_files"] = local
    copy = tmp_path / "prometheus.yml"
    copy.write_text(yaml.safe_dump(config))
    result = run_promtool("check", "config", str(copy))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 rule files found" in result.stdout, result.stdout


def _glob(pattern: str) -> list[str]:
    directory, name = pattern.rsplit("/", 1)
    return [str(p) for p in Path(directory).glob("*") if fnmatch.fnmatch(p.name, name)]


# ------------------------------------------------------------------------- rule conventions


def test_the_issue_alerts_exist() -> None:
    assert {
        "ServiceDown",
        "HighHttpErrorRate",
        "HighSubscriberErrorRate",
        "DeadLetterQueueNotEmpty",
        "ConsumerLagGrowing",
        "OutboxStalled",
        "RateLimitExhausted",
        "EnrichmentCostBurn",
    } <= set(alerts())


@pytest.mark.parametrize("name", sorted(alerts()))
def test_alert_has_severity_summary_description_and_runbook(name: str) -> None:
    rule = alerts()[name]
    assert rule["labels"]["severity"] in SEVERITIES
    annotations = rule["annotations"]
    assert annotations["summary"] and annotations["description"]
    assert annotations["runbook"] == f"README.md#{name.lower()}"


def github_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown file."""
    anchors = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*$", markdown, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


def test_every_runbook_anchor_is_a_readme_heading() -> None:
    anchors = github_anchors((ROOT / "README.md").read_text())
    missing = sorted(
        name
        for name, rule in alerts().items()
        if rule["annotations"]["runbook"].split("#", 1)[1] not in anchors
    )
    assert not missing, f"README.md has no runbook heading for {missing}"


@pytest.mark.parametrize("name", sorted(alerts()))
def test_every_alert_has_a_unit_test_that_fires_and_one_that_stays_silent(name: str) -> None:
    fires = silent = False
    for spec in rule_tests().values():
        for case in spec["tests"]:
            for check in case.get("alert_rule_test", []):
                if check["alertname"] == name:
                    fires |= bool(check.get("exp_alerts"))
                    silent |= not check.get("exp_alerts")
    assert fires, f"no promtool test expects {name} to fire"
    assert silent, f"no promtool test expects {name} to stay silent"


def test_every_recording_rule_is_checked_or_used() -> None:
    """A recording rule is evaluated in a promql_expr_test, or read by another rule (whose
    own test then covers it)."""
    tested = {
        name
        for spec in rule_tests().values()
        for case in spec["tests"]
        for check in case.get("promql_expr_test", [])
        for name in obs.metric_names(check["expr"])
    }
    used = {name for r in obs.rules() for name in obs.metric_names(r["expr"])}
    assert recorded() - tested - used == set()


def test_recording_rule_names_follow_the_leadgen_convention() -> None:
    for name in recorded():
        assert re.fullmatch(r"leadgen:[a-z0-9_]+:[a-z0-9_]+", name), name


def test_every_series_read_is_in_the_metric_catalogue() -> None:
    """Offline twin of tests/test_observability_metrics.py: a rule or panel reading a
    series the catalogue does not list fails here already, without a stack."""
    catalogue = series_names() | {"up"}
    unknown = {
        name
        for expr in obs.expressions().values()
        for name in obs.metric_names(expr)
        if not name.startswith("leadgen:") and name not in catalogue
    }
    assert not unknown, sorted(unknown)


def test_every_leadgen_series_read_is_recorded() -> None:
    """A leadgen:* name a rule or a panel reads is one a recording rule writes (the stack
    test skips these names: only this keeps them honest)."""
    for where, expr in obs.expressions().items():
        unknown = {n for n in obs.metric_names(expr) if n.startswith("leadgen:")} - recorded()
        assert not unknown, f"{where} reads unrecorded series {sorted(unknown)}"


def test_no_rule_or_panel_query_uses_an_id_label() -> None:
    for where, expr in obs.expressions().items():
        ids = {label for label in obs.label_names(expr) if ID_LABEL.search(label)}
        assert not ids, f"{where} uses id labels {sorted(ids)}: {expr}"


def test_prometheus_rule_is_generated_from_the_rules_file() -> None:
    """deploy/observability/k8s/prometheus-rule.yaml is exactly what the generator writes
    (`uv run python -m leadgen_devstack.observability` after editing the rules)."""
    assert obs.PROMETHEUS_RULE.read_text() == obs.render_prometheus_rule(), (
        "the PrometheusRule differs from the rules file: "
        "run `uv run python -m leadgen_devstack.observability`"
    )
    spec = yaml.safe_load(obs.PROMETHEUS_RULE.read_text())["spec"]
    assert spec["groups"] == yaml.safe_load(obs.RULES.read_text())["groups"]


# ------------------------------------------------------------------------------ dashboards


def provisioned_datasource_uids() -> set[str]:
    files = sorted((obs.PROVISIONING / "datasources").glob("*.yml"))
    return {ds["uid"] for f in files for ds in yaml.safe_load(f.read_text())["datasources"]}


def test_dashboards_exist_and_are_valid_json() -> None:
    paths = sorted(obs.DASHBOARDS.glob("*.json"))
    assert paths
    for path in paths:
        json.loads(path.read_text())  # raises with the position of a syntax error


@pytest.mark.parametrize("name", sorted(obs.dashboards()))
def test_dashboard_is_well_formed(name: str) -> None:
    dashboard = obs.dashboards()[name]
    assert dashboard["uid"] and dashboard["title"]
    assert dashboard["schemaVersion"] >= 39  # Grafana 11 and later
    uids = provisioned_datasource_uids()
    assert uids == {"prometheus"}
    ids = [p["id"] for p in obs.panels(dashboard)]
    assert len(ids) == len(set(ids)), "panel ids repeat"
    for panel in obs.panels(dashboard):
        label = f"panel {panel['id']} {panel.get('title')!r}"
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, f"{label} is wider than the grid"
        if panel["type"] == "row":
            continue
        assert panel.get("description"), f"{label} has no description"
        assert panel["datasource"]["uid"] in uids, f"{label}: unknown datasource"
        targets = panel.get("targets") or []
        assert targets, f"{label} has no query"
        ref_ids = [t["refId"] for t in targets]
        assert len(ref_ids) == len(set(ref_ids)), f"{label}: refIds repeat"
        for target in targets:
            assert target.get("expr", "").strip(), f"{label} {target['refId']} has no expr"
            assert target["datasource"]["uid"] in uids, f"{label}: unknown datasource"
            obs.metric_names(target["expr"])  # parses


def test_dashboard_covers_the_issue_panels() -> None:
    """Funnel, RED per service (HTTP and subscribers), lag, DLQ, cost and cost per lead,
    rate-limit saturation and provider health: each has a panel reading its metrics."""
    read: set[str] = set()
    for dashboard in obs.dashboards().values():
        for panel in obs.panels(dashboard):
            for target in panel.get("targets", []):
                read |= obs.metric_names(target["expr"])
    assert {
        "prospects_discovered_total",
        "leadgen_enrichment_outcomes_total",
        "leadgen_prospects_scored_total",
        "leadgen_leads_created_total",
        "leadgen_http_requests_total",
        "leadgen_http_request_duration_seconds_bucket",
        "leadgen_messages_consumed_total",
        "leadgen_handler_duration_seconds_bucket",
        "leadgen_consumer_lag",
        "leadgen_dead_letters_total",
        "leadgen_enrichment_provider_cost_total",
        "leadgen:cost_per_qualified_lead:1h",
        "rate_limit_tokens_remaining",
        "rate_limit_decisions_total",
        "platform_api_calls_total",
        "leadgen_enrichment_provider_calls_total",
        "leadgen_enrichment_provider_call_seconds_bucket",
    } <= read


def test_compose_grafana_is_provisioned_from_the_repository() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    grafana = compose["services"]["grafana"]
    image, _, tag = grafana["image"].partition(":")
    assert image == "grafana/grafana-oss" and tag and tag != "latest"
    mounts = {v.split(":")[1]: v.split(":") for v in grafana["volumes"]}
    provisioning = mounts["/etc/grafana/provisioning"]
    assert (ROOT / provisioning[0]).resolve() == obs.PROVISIONING.resolve()
    assert provisioning[2] == "ro"
    provider = yaml.safe_load((obs.PROVISIONING / "dashboards" / "leadgen.yml").read_text())
    path = provider["providers"][0]["options"]["path"]
    assert (ROOT / mounts[path][0]).resolve() == obs.DASHBOARDS.resolve()
    assert mounts[path][2] == "ro"
    assert grafana["depends_on"]["prometheus"]["condition"] == "service_healthy"
    assert "/api/health" in " ".join(grafana["healthcheck"]["test"])
    assert grafana["environment"]["GF_SECURITY_ADMIN_PASSWORD"].startswith(
        "${GRAFANA_ADMIN_PASSWORD:?"
    )
    datasource = yaml.safe_load((obs.PROVISIONING / "datasources" / "prometheus.yml").read_text())
    assert datasource["datasources"][0]["url"] == "http://prometheus:9090"


# --------------------------------------------------------------------- PromQL extraction


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        ("up == 0", {"up"}),
        (
            'sum by (service) (rate(leadgen_http_requests_total{status=~"5.."}[5m]))'
            " / on (service) group_left sum by (service) (rate(other_total[1h] offset 5m))",
            {"leadgen_http_requests_total", "other_total"},
        ),
        (
            "histogram_quantile(0.95, sum by (le, route)"
            " (rate(x_seconds_bucket[$__rate_interval])))",
            {"x_seconds_bucket"},
        ),
        ("time() - max without (instance) (ts_seconds) > bool 120", {"ts_seconds"}),
        ('count({__name__="named_by_matcher"}) or vector(0)', {"named_by_matcher"}),
        ("a unless b offset 15m and on (job) (up offset 15m)", {"a", "b", "up"}),
        (
            "leadgen:x:rate5m * 3600 > ignoring (le) leadgen:y:1h",
            {"leadgen:x:rate5m", "leadgen:y:1h"},
        ),
        ("sum(increase(c_total[$__range])) / max_over_time(g[1h:5m])", {"c_total", "g"}),
    ],
)
def test_metric_names_are_the_selected_series_only(expr: str, names: set[str]) -> None:
    """Functions, keywords (by, on, group_left, bool, offset), label names, durations and
    Grafana macros are not metric names."""
    assert obs.metric_names(expr) == names


@pytest.mark.parametrize("expr", ["sum(rate(x[5m])", '{job="a"}', "rate(x[5q])"])
def test_metric_names_refuses_what_is_not_a_named_query(expr: str) -> None:
    with pytest.raises(ValueError):
        obs.metric_names(expr)


def test_label_names_cover_matchers_grouping_and_matching() -> None:
    expr = 'sum by (a) (x{b="1"}) / on (c) group_left (d) max without (e) (y{campaign_id!=""})'
    assert obs.label_names(expr) == {"a", "b", "c", "d", "e", "campaign_id"}


def test_exposed_names_maps_families_to_their_series() -> None:
    """prometheus-client's text format names a counter's family with _total; OpenMetrics
    without. A family with no sample yet (labelled, never incremented) still counts."""
    text = "\n".join(
        [
            "# HELP c_total A counter (text format).",
            "# TYPE c_total counter",
            "# TYPE om counter",
            "om_total 1.0",
            "# HELP h A histogram.",
            "# TYPE h histogram",
            "# HELP g A gauge nobody has set yet.",
            "# TYPE g gauge",
            'untyped_sample{a="1"} 3.0',
        ]
    )
    names = obs.exposed_names(text)
    assert {"c_total", "om_total", "h_bucket", "h_sum", "h_count", "g", "untyped_sample"} <= names
    assert not {"c", "om", "h", "c_total_total", "missing"} & names


def test_readme_metrics_table_is_the_catalogue() -> None:
    """The README's metrics table is generated from the catalogue, never edited by hand."""
    table = markdown_table().rstrip("\n")
    assert table in (repo_root() / "README.md").read_text(), (
        "README metrics table drifted: paste leadgen_common.testing.metric_catalogue."
        "markdown_table() under Operations / Metrics"
    )

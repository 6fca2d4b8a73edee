"""Every metric a Prometheus rule or a Grafana panel reads exists on the running stack.

The rules (deploy/observability/rules) and the dashboards (deploy/observability/grafana)
name metrics in PromQL; a renamed or never-registered metric would leave a rule that never
fires and a panel that stays empty, silently. The session stack's services are scraped
once and every name the queries select (parsed with promql-parser:
leadgen_devstack.observability.metric_names) must be one some service's /metrics exposes.
Not checked here: ``up`` (Prometheus writes it) and the ``leadgen:*`` series the recording
rules write (tools/devstack/tests/test_observability.py checks each is recorded).
"""

from __future__ import annotations

import httpx
import pytest
from leadgen_common.testing.metric_catalogue import SERVICES
from leadgen_devstack import observability as obs

pytestmark = pytest.mark.stack

#: Series Prometheus itself writes for every target.
FROM_PROMETHEUS = {"up"}


def scrape(stack: dict[str, str]) -> dict[str, set[str]]:
    """Service -> the series names its /metrics can hold."""
    exposed = {}
    with httpx.Client(timeout=10) as client:
        for key, url in sorted(stack.items()):
            if key.endswith("_METRICS_URL"):
                response = client.get(url)
                response.raise_for_status()
                exposed[key.removesuffix("_METRICS_URL").lower()] = obs.exposed_names(response.text)
    return exposed


def test_every_metric_a_rule_or_panel_reads_is_exposed(stack: dict[str, str]) -> None:
    exposed = scrape(stack)
    assert set(exposed) == {service.replace("-", "_") for service in SERVICES}
    known = set().union(*exposed.values()) | FROM_PROMETHEUS
    readers: dict[str, list[str]] = {}
    for where, expr in obs.expressions().items():
        for name in obs.metric_names(expr):
            if not name.startswith("leadgen:"):
                readers.setdefault(name, []).append(where)
    assert len(readers) > 30  # the extraction found the queries' metrics at all
    missing = sorted(set(readers) - known)
    assert not missing, "metrics no service exposes:\n" + "\n".join(
        f"  {name}  (read by {', '.join(readers[name][:3])})" for name in missing
    )

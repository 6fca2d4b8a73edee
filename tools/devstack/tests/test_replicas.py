"""LEADGEN_REPLICAS: which processes a service runs as, and how their names map back."""

from __future__ import annotations

import pytest
from leadgen_devstack.commands._stack import _stop_rank
from leadgen_devstack.config import DevstackSettings
from leadgen_devstack.servers.services import service_of
from pydantic import ValidationError


def test_a_service_runs_as_its_own_name_then_numbered_replicas(monkeypatch) -> None:
    monkeypatch.setenv("LEADGEN_REPLICAS", '{"scoring": 3}')
    settings = DevstackSettings()
    assert settings.replica_names("scoring") == ["scoring", "scoring-2", "scoring-3"]
    assert settings.replica_names("lead-writer") == ["lead-writer"]


@pytest.mark.parametrize(
    "replicas", ['{"nope": 2}', '{"scoring": 0}', '{"scoring": 17}', '{"tansu": 2}']
)
def test_unknown_services_and_counts_out_of_range_are_refused(monkeypatch, replicas) -> None:
    monkeypatch.setenv("LEADGEN_REPLICAS", replicas)
    with pytest.raises(ValidationError, match="replicas"):
        DevstackSettings()


def test_replica_names_map_back_to_their_service_and_stop_with_it() -> None:
    assert service_of("scoring-2") == "scoring"
    assert service_of("lead-writer") == service_of("lead-writer-12") == "lead-writer"
    assert service_of("scoring-x") is None and service_of("postgres") is None
    # `down` stops a replica among the services, before the infra they need.
    assert _stop_rank("scoring-2") == _stop_rank("scoring") < _stop_rank("postgres")

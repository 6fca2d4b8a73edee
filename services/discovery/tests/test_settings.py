"""Settings: prod refuses the sandbox key, leases outlive renewals."""

from __future__ import annotations

import pytest
from leadgen_discovery.settings import DiscoverySettings
from pydantic import ValidationError


def test_defaults_point_at_the_sandbox_linkedin():
    settings = DiscoverySettings(sandbox_url="http://127.0.0.1:9999/")
    assert settings.linkedin_url() == "http://127.0.0.1:9999/linkedin"
    assert DiscoverySettings(linkedin_base_url="https://api.linkedin.com").linkedin_url() == (
        "https://api.linkedin.com"
    )


def test_settings_come_from_upper_case_environment(monkeypatch):
    monkeypatch.setenv("LINKEDIN_API_KEY", "real-key")
    monkeypatch.setenv("MAX_ACTIVE_CAMPAIGNS", "3")
    settings = DiscoverySettings()
    assert settings.linkedin_api_key.get_secret_value() == "real-key"
    assert "real-key" not in repr(settings)
    assert settings.max_active_campaigns == 3


def test_prod_refuses_the_sandbox_key():
    with pytest.raises(ValidationError, match="LINKEDIN_API_KEY is the sandbox key"):
        DiscoverySettings(environment="prod", jwt_secret="s" * 32)
    DiscoverySettings(environment="prod", jwt_secret="s" * 32, linkedin_api_key="real")


def test_a_lease_must_outlive_two_renewal_intervals():
    with pytest.raises(ValidationError, match="LEASE_RENEW_S"):
        DiscoverySettings(cursor_lease_s=8, lease_renew_s=5)

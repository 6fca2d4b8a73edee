"""Settings: prod refuses the sandbox's credentials, leases outlive renewals."""

from __future__ import annotations

import base64
import json

import pytest
from leadgen_discovery.settings import DiscoverySettings
from pydantic import ValidationError


def test_defaults_point_at_the_sandbox_linkedin():
    settings = DiscoverySettings(sandbox_url="http://127.0.0.1:9999/")
    assert settings.linkedin_url() == "http://127.0.0.1:9999/linkedin"
    assert settings.linkedin_oauth_url() == "http://127.0.0.1:9999/linkedin/oauth/v2/accessToken"
    real = DiscoverySettings(
        linkedin_base_url="https://api.linkedin.com",
        linkedin_token_url="https://www.linkedin.com/oauth/v2/accessToken",
    )
    assert real.linkedin_url() == "https://api.linkedin.com"
    assert real.linkedin_oauth_url() == "https://www.linkedin.com/oauth/v2/accessToken"
    assert settings.facebook_url() == "http://127.0.0.1:9999/facebook"
    assert settings.twitter_url() == "http://127.0.0.1:9999/twitter"


def test_settings_come_from_upper_case_environment(monkeypatch):
    monkeypatch.setenv("LINKEDIN_CLIENT_ID", "app-id")
    monkeypatch.setenv("LINKEDIN_CLIENT_SECRET", "real-secret")
    monkeypatch.setenv("MAX_ACTIVE_CAMPAIGNS", "3")
    settings = DiscoverySettings()
    assert settings.linkedin_client_id.get_secret_value() == "app-id"
    assert settings.linkedin_client_secret.get_secret_value() == "real-secret"
    assert "real-secret" not in repr(settings)
    assert settings.max_active_campaigns == 3


@pytest.mark.parametrize(
    ("left_at_the_sandbox", "message"),
    [
        ("linkedin_client_secret", "LINKEDIN_CLIENT_SECRET is the sandbox's"),
        ("facebook_access_token", "FACEBOOK_ACCESS_TOKEN is the sandbox key"),
        ("twitter_bearer_token", "TWITTER_BEARER_TOKEN is the sandbox key"),
    ],
)
def test_prod_refuses_the_sandbox_credentials(left_at_the_sandbox, message):
    real = {
        "linkedin_client_secret": "real",
        "facebook_access_token": "real",
        "twitter_bearer_token": "real",
        "pii_keys": json.dumps({"k1": base64.b64encode(bytes(range(32))).decode()}),
        "pii_key_id": "k1",
    }
    DiscoverySettings(environment="prod", jwt_secret="s" * 32, **real)
    del real[left_at_the_sandbox]
    with pytest.raises(ValidationError, match=message):
        DiscoverySettings(environment="prod", jwt_secret="s" * 32, **real)


def test_a_lease_must_outlive_two_renewal_intervals():
    with pytest.raises(ValidationError, match="LEASE_RENEW_S"):
        DiscoverySettings(cursor_lease_s=8, lease_renew_s=5)

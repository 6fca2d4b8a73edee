"""Settings (prod refuses the sandbox key, leases outlive renewals) and retry timing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from leadgen_discovery.adapters.retry import RetryPolicy, retry_after
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


def test_backoff_doubles_up_to_its_cap_with_bounded_jitter():
    policy = RetryPolicy(backoff_s=0.5, max_backoff_s=3, jitter=0.2)
    assert [policy.delay(n, rng=lambda: 0.0) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]
    assert policy.delay(1, rng=lambda: 1.0) == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7.0), ("0", 0.0), ("soon", None), (None, None)],
)
def test_retry_after_in_seconds(header, seconds):
    headers = {"Retry-After": header} if header is not None else {}
    assert retry_after(httpx.Response(429, headers=headers)) == seconds


def test_retry_after_as_an_http_date():
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 < retry_after(httpx.Response(429, headers={"Retry-After": when})) <= 30

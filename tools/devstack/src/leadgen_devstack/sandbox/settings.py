"""Settings of the sandbox provider server (pydantic-settings, read from the environment).

Per-provider settings are JSON objects keyed by provider name (linkedin, facebook,
twitter, clearbit, hunter, apollo), e.g. ``SANDBOX_RATE_LIMITS_PER_MIN='{"hunter": 10}'``;
a provider not named gets the plain setting (``SANDBOX_RATE_LIMIT_PER_MIN``).
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .population import DEFAULT_SEED, DEFAULT_SIZE

PROVIDERS = ("linkedin", "facebook", "twitter", "clearbit", "hunter", "apollo")

#: USD per call of each operation, as X-Sandbox-Cost reports it; a miss the real provider
#: does not bill (Clearbit 404, Hunter without a result, Apollo without a match) is free.
DEFAULT_PRICES: dict[str, float] = {
    "linkedin.token": 0.0,
    "linkedin.people_search": 0.01,
    "linkedin.profile": 0.005,
    "linkedin.audience": 0.0,
    "facebook.token": 0.0,
    "facebook.targeting_search": 0.002,
    "facebook.reach_estimate": 0.002,
    "facebook.delivery_estimate": 0.002,
    "facebook.people_search": 0.005,
    "facebook.page": 0.002,
    "facebook.followers": 0.005,
    "facebook.members": 0.005,
    "facebook.user": 0.002,
    "facebook.audience": 0.0,
    "twitter.token": 0.0,
    "twitter.users_search": 0.01,
    "twitter.user": 0.005,
    "clearbit.company": 0.10,
    "clearbit.person": 0.10,
    "clearbit.combined": 0.15,
    "hunter.email_finder": 0.05,
    "hunter.email_verifier": 0.01,
    "apollo.people_match": 0.03,
}


def _default_cache_dir() -> Path | None:
    # The dev stack starts the sandbox with LEADGEN_HOME set: cache under its state dir.
    home = os.environ.get("LEADGEN_HOME")
    return Path(home) / "cache" if home else None


class SandboxSettings(BaseSettings):
    """``SANDBOX_*`` for the sandbox's own knobs; ``HTTP_HOST``/``HTTP_PORT`` like services."""

    model_config = SettingsConfigDict(
        env_prefix="SANDBOX_", extra="ignore", frozen=True, populate_by_name=True
    )

    population: int = Field(default=DEFAULT_SIZE, ge=1, description="number of people.")
    seed: int = Field(default=DEFAULT_SEED, description="population seed.")
    cache_dir: Path | None = Field(
        default=None,
        description="where the built population is cached; unset: $LEADGEN_HOME/cache when "
        "LEADGEN_HOME is set (the dev stack), else no cache.",
    )
    latency_ms: int = Field(default=0, ge=0, description="delay before every provider answer.")
    latencies_ms: dict[str, int] = Field(
        default={}, description="per-provider delay, JSON, overrides latency_ms."
    )
    rate_limit_per_min: int = Field(
        default=0,
        ge=0,
        description="requests per minute per provider and credential "
        "(0 = unlimited); beyond it 429 with Retry-After.",
    )
    rate_limits_per_min: dict[str, int] = Field(
        default={}, description="per-provider quota, JSON, overrides rate_limit_per_min."
    )
    error_rate: float = Field(
        default=0.0, ge=0, le=1, description="share of requests failing (500, 503 or timeout)."
    )
    error_rates: dict[str, float] = Field(
        default={}, description="per-provider error rate, JSON, overrides error_rate."
    )
    fault_timeout_s: float = Field(
        default=30.0, ge=0, description="how long an injected timeout holds a request (then 504)."
    )
    prices: dict[str, float] = Field(
        default={},
        description="USD per call by operation (clearbit.company, hunter.email_finder, ...), "
        "JSON, over the defaults.",
    )
    api_keys: list[str] = Field(
        default=[], description="accepted API keys, JSON list (empty: any non-empty key)."
    )
    oauth_clients: dict[str, str] = Field(
        default={"sandbox-client": "sandbox-secret"},
        description="OAuth2 client id -> secret for the token endpoints, JSON.",
    )
    token_secret: SecretStr = Field(
        default=SecretStr("sandbox-token-secret"), description="signs the OAuth tokens."
    )
    token_ttl_s: int = Field(default=1800, ge=1, description="lifetime of an OAuth token.")
    reach_scale: int = Field(
        default=250,
        ge=1,
        description="real people one sandbox person stands for in reach and audience estimates.",
    )
    http_host: str = Field(default="127.0.0.1", validation_alias="HTTP_HOST")
    http_port: int = Field(default=8090, ge=0, le=65535, validation_alias="HTTP_PORT")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")

    @field_validator("latencies_ms", "rate_limits_per_min", "error_rates")
    @classmethod
    def _known_providers(cls, value: dict) -> dict:
        unknown = sorted(set(value) - set(PROVIDERS))
        if unknown:
            raise ValueError(f"unknown providers {unknown}; known: {', '.join(PROVIDERS)}")
        return value

    def population_cache(self) -> Path | None:
        return self.cache_dir or _default_cache_dir()

    def latency_for(self, provider: str) -> int:
        return self.latencies_ms.get(provider, self.latency_ms)

    def rate_limit_for(self, provider: str) -> int:
        return self.rate_limits_per_min.get(provider, self.rate_limit_per_min)

    def error_rate_for(self, provider: str) -> float:
        return self.error_rates.get(provider, self.error_rate)

    def price(self, operation: str) -> float:
        return self.prices.get(operation, DEFAULT_PRICES.get(operation, 0.0))

"""Settings of the sandbox provider server (pydantic-settings, read from the environment)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .population import DEFAULT_SEED, DEFAULT_SIZE


class SandboxSettings(BaseSettings):
    """``SANDBOX_*`` for the sandbox's own knobs; ``HTTP_HOST``/``HTTP_PORT`` like services."""

    model_config = SettingsConfigDict(
        env_prefix="SANDBOX_", extra="ignore", frozen=True, populate_by_name=True
    )

    population: int = Field(
        default=DEFAULT_SIZE, ge=1, description="number of people."
    )
    seed: int = Field(default=DEFAULT_SEED, description="population seed.")
    latency_ms: int = Field(
        default=0, ge=0, description="delay before every provider answer."
    )
    rate_limit_per_min: int = Field(
        default=0,
        ge=0,
        description="requests per minute per provider and key "
        "(0 = unlimited); beyond it 429 with Retry-After.",
    )
    http_host: str = Field(default="127.0.0.1", validation_alias="HTTP_HOST")
    http_port: int = Field(default=8090, ge=0, le=65535, validation_alias="HTTP_PORT")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")

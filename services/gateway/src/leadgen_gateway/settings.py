"""Settings of the gateway (env vars in upper case, on top of ServiceSettings)."""

from __future__ import annotations

from leadgen_common.settings import ServiceSettings
from pydantic import Field


class GatewaySettings(ServiceSettings):
    service_name: str = "gateway"
    publish_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="Longest a request waits for the broker to take an event before answering 503.",
    )
    estimate_prospects_per_second: float = Field(
        default=10.0,
        gt=0,
        description="Pipeline rate assumed for a new campaign's estimatedCompletion; once "
        "prospects are scored the estimate extrapolates the campaign's own rate.",
    )
    db_pool_size: int = Field(default=10, ge=1, description="Postgres connections per replica.")
    principal_cache_size: int = Field(
        default=10_000,
        ge=0,
        description="Principals remembered as already upserted, so a request writes nothing.",
    )

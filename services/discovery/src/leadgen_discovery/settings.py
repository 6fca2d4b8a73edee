"""Settings of the discovery service (env vars in upper case, on top of ServiceSettings)."""

from __future__ import annotations

from leadgen_common.provider_settings import ProviderSettings, api_key_field
from pydantic import Field, SecretStr, model_validator

#: Where the sandbox serves its LinkedIn-shaped API, under SANDBOX_URL.
SANDBOX_LINKEDIN_PREFIX = "/linkedin"


class DiscoverySettings(ProviderSettings):
    service_name: str = "discovery"

    linkedin_base_url: str | None = Field(
        default=None,
        description="Base of the LinkedIn API (people search at /v2/people/search); "
        "unset means the sandbox's copy under SANDBOX_URL.",
    )
    linkedin_api_key: SecretStr = api_key_field("LinkedIn")
    linkedin_page_size: int = Field(
        default=25, ge=1, le=50, description="People asked for per search request (count)."
    )
    platform_timeout_s: float = Field(
        default=10.0, gt=0, description="Timeout of one platform HTTP request."
    )
    platform_attempts: int = Field(
        default=5,
        ge=1,
        description="Tries of one search request (timeouts, 5xx, 429) before the platform "
        "fails for the campaign.",
    )
    platform_backoff_s: float = Field(
        default=0.5, ge=0, description="First retry delay; doubles per attempt, with jitter."
    )
    platform_max_backoff_s: float = Field(default=10.0, ge=0, description="Cap on a retry delay.")
    platform_max_retry_after_s: float = Field(
        default=120.0,
        ge=0,
        description="Longest 429 Retry-After waited; a longer one fails the platform.",
    )
    max_active_campaigns: int = Field(
        default=8, ge=1, description="Campaigns one replica pages at once; others wait for it."
    )
    cursor_lease_s: float = Field(
        default=30.0,
        gt=0,
        description="How long a replica's claim on a campaign lasts unless renewed; a dead "
        "replica's campaigns resume elsewhere after it.",
    )
    lease_renew_s: float = Field(
        default=5.0,
        gt=0,
        description="How often leases are renewed and lapsed campaigns claimed.",
    )
    pause_poll_s: float = Field(
        default=0.5, gt=0, description="How often a paused campaign re-reads its status."
    )
    db_pool_size: int = Field(default=5, ge=1, description="Postgres connections per replica.")
    db_timeout_s: float = Field(
        default=5.0, gt=0, description="Connect and statement timeout of Postgres calls."
    )

    @model_validator(mode="after")
    def _check(self) -> DiscoverySettings:
        self.refuse_sandbox_key_in_prod("LINKEDIN_API_KEY", self.linkedin_api_key)
        if self.lease_renew_s * 2 > self.cursor_lease_s:
            raise ValueError("LEASE_RENEW_S must be at most half of CURSOR_LEASE_S")
        return self

    def linkedin_url(self) -> str:
        return self.api_url(self.linkedin_base_url, SANDBOX_LINKEDIN_PREFIX)

"""Settings of the enrichment service (env vars in upper case, on top of ServiceSettings)."""

from __future__ import annotations

from decimal import Decimal

from leadgen_common.provider_settings import ProviderSettings, api_key_field
from pydantic import Field, SecretStr, model_validator

#: Where the sandbox serves its Clearbit-shaped API, under SANDBOX_URL.
SANDBOX_CLEARBIT_PREFIX = "/clearbit"


class EnrichmentSettings(ProviderSettings):
    service_name: str = "enrichment"

    clearbit_base_url: str | None = Field(
        default=None,
        description="Base of Clearbit's Company API (real: https://company.clearbit.com); "
        "unset means the sandbox's copy under SANDBOX_URL.",
    )
    clearbit_api_key: SecretStr = api_key_field("Clearbit")
    clearbit_company_cost: Decimal = Field(
        default=Decimal("0.10"),
        ge=0,
        description="Cost of one billed company lookup (HTTP 200/201/202/404, as Clearbit "
        "bills); errors, 429s and give-ups cost 0.",
    )
    provider_timeout_s: float = Field(
        default=5.0, gt=0, description="Timeout of one provider HTTP request."
    )
    provider_retries: int = Field(
        default=2, ge=0, description="Extra attempts on 5xx, timeouts and 429 before giving up."
    )
    provider_backoff_s: float = Field(
        default=0.2, ge=0, description="First retry delay; doubles per attempt."
    )
    provider_max_backoff_s: float = Field(default=2.0, ge=0, description="Cap on a retry delay.")
    provider_max_retry_after_s: float = Field(
        default=5.0,
        ge=0,
        description="Longest 429 Retry-After waited in line; longer gives up as rate_limited.",
    )
    provider_concurrency: int = Field(
        default=16, ge=1, description="Provider requests in flight per replica and provider."
    )
    campaign_state_ttl_s: float = Field(
        default=2.0,
        ge=0,
        description="How long a 'not cancelled' answer from Postgres is reused.",
    )
    db_timeout_s: float = Field(
        default=5.0, gt=0, description="Connect and statement timeout of Postgres reads."
    )
    db_pool_size: int = Field(default=5, ge=1, description="Postgres connections per replica.")

    @model_validator(mode="after")
    def _no_sandbox_key_in_prod(self) -> EnrichmentSettings:
        self.refuse_sandbox_key_in_prod("CLEARBIT_API_KEY", self.clearbit_api_key)
        return self

    def clearbit_url(self) -> str:
        return self.api_url(self.clearbit_base_url, SANDBOX_CLEARBIT_PREFIX)

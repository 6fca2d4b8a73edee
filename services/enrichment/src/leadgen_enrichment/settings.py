"""Settings of the enrichment service (env vars in upper case, on top of ServiceSettings)."""

from __future__ import annotations

from decimal import Decimal

from leadgen_common.settings import ServiceSettings
from pydantic import Field, SecretStr, model_validator

#: The sandbox's API key: fine on a laptop, refused in prod.
SANDBOX_API_KEY = "sandbox-key"
#: Where the sandbox serves its Clearbit-shaped API, under SANDBOX_URL.
SANDBOX_CLEARBIT_PREFIX = "/clearbit"


class EnrichmentSettings(ServiceSettings):
    service_name: str = "enrichment"

    sandbox_url: str = Field(
        default="http://127.0.0.1:8090", description="Origin of the sandbox provider server."
    )
    clearbit_base_url: str | None = Field(
        default=None,
        description="Base of Clearbit's Company API (real: https://company.clearbit.com); "
        "unset means the sandbox's copy under SANDBOX_URL.",
    )
    clearbit_api_key: SecretStr = Field(
        default=SecretStr(SANDBOX_API_KEY), description="Bearer key for the Clearbit API."
    )
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
        if self.environment == "prod" and (
            self.clearbit_api_key.get_secret_value() == SANDBOX_API_KEY
        ):
            raise ValueError("CLEARBIT_API_KEY is the sandbox key; set a real key in prod")
        return self

    def clearbit_url(self) -> str:
        return self.clearbit_base_url or self.sandbox_url.rstrip("/") + SANDBOX_CLEARBIT_PREFIX

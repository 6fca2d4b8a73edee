"""Settings of the enrichment service (env vars in upper case, on top of ServiceSettings)."""

from __future__ import annotations

from decimal import Decimal

from leadgen_common.crypto import PiiKeySettings
from leadgen_common.provider_settings import ProviderSettings, api_key_field
from pydantic import Field, SecretStr, model_validator

#: Where the sandbox serves each provider's API, under SANDBOX_URL.
SANDBOX_CLEARBIT_PREFIX = "/clearbit"
SANDBOX_HUNTER_PREFIX = "/hunter"
SANDBOX_APOLLO_PREFIX = "/apollo"
#: Fields the waterfall can fill (Enrichment's), in the names ENRICHMENT_REQUIRED_FIELDS uses.
FILLABLE_FIELDS = frozenset({"company", "email", "email_status"})
PROVIDER_NAMES = ("clearbit", "hunter", "apollo")


class EnrichmentSettings(ProviderSettings, PiiKeySettings):
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
        "bills) when the answer carries no X-Sandbox-Cost; errors, 429s and give-ups cost 0.",
    )
    clearbit_person_cost: Decimal = Field(
        default=Decimal("0.15"), ge=0, description="Cost of one Clearbit combined (person) lookup."
    )
    hunter_base_url: str | None = Field(
        default=None,
        description="Base of Hunter's API (real: https://api.hunter.io); unset means the "
        "sandbox's copy under SANDBOX_URL.",
    )
    hunter_api_key: SecretStr = api_key_field("Hunter")
    hunter_finder_cost: Decimal = Field(
        default=Decimal("0.05"), ge=0, description="Cost of one Hunter email-finder hit."
    )
    hunter_verifier_cost: Decimal = Field(
        default=Decimal("0.01"), ge=0, description="Cost of one Hunter email verification."
    )
    apollo_base_url: str | None = Field(
        default=None,
        description="Base of Apollo's API (real: https://api.apollo.io); unset means the "
        "sandbox's copy under SANDBOX_URL.",
    )
    apollo_api_key: SecretStr = api_key_field("Apollo")
    apollo_match_cost: Decimal = Field(
        default=Decimal("0.03"), ge=0, description="Cost of one Apollo people match."
    )
    enrichment_waterfall: list[str] = Field(
        default_factory=lambda: ["clearbit", "apollo", "hunter"],
        description="Providers in the order the waterfall asks them (JSON list).",
    )
    enrichment_waterfall_by_team: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per-team override of ENRICHMENT_WATERFALL: JSON {team_id: [providers]}.",
    )
    enrichment_required_fields: list[str] = Field(
        default_factory=lambda: ["company", "email", "email_status"],
        description="The waterfall stops as soon as these are filled (JSON list).",
    )
    enrichment_cache_ttl_s: int = Field(
        default=30 * 24 * 3600, ge=1, description="How long a provider answer is reused."
    )
    enrichment_team_monthly_budget: Decimal | None = Field(
        default=None, ge=0, description="Spend per team and calendar month (UTC); unset: none."
    )
    enrichment_campaign_budget: Decimal | None = Field(
        default=None, ge=0, description="Spend per campaign; unset: none."
    )
    cost_alert_per_hour: Decimal = Field(
        default=Decimal("50.0"),
        ge=0,
        description="Provider spend per hour (ledger currency) above which the cost alert "
        "fires; exported as leadgen_enrichment_cost_budget_per_hour for the alert to read.",
    )
    smart_enrichment_min_prescore: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Pre-score from discovered data a prospect needs before paid providers "
        "are called; 0 turns smart enrichment off.",
    )
    rate_limit_wait_s: float = Field(
        default=5.0,
        ge=0,
        description="Longest wait for a token of the shared limiter; longer is rate_limited.",
    )
    redis_timeout_s: float = Field(default=2.0, gt=0, description="Redis socket timeout.")
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
    batch_size: int = Field(
        default=32,
        ge=1,
        description="prospect.discovered messages enriched at once per replica (bounds "
        "in-flight work: memory and provider calls).",
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
        self.refuse_sandbox_key_in_prod("HUNTER_API_KEY", self.hunter_api_key)
        self.refuse_sandbox_key_in_prod("APOLLO_API_KEY", self.apollo_api_key)
        return self

    @model_validator(mode="after")
    def _known_providers_and_fields(self) -> EnrichmentSettings:
        for order in [self.enrichment_waterfall, *self.enrichment_waterfall_by_team.values()]:
            unknown = set(order) - set(PROVIDER_NAMES)
            if unknown:
                raise ValueError(f"unknown providers in a waterfall: {sorted(unknown)}")
        unknown = set(self.enrichment_required_fields) - FILLABLE_FIELDS
        if unknown:
            raise ValueError(f"ENRICHMENT_REQUIRED_FIELDS: unknown fields {sorted(unknown)}")
        return self

    def waterfall_for(self, team_id: str) -> list[str]:
        return self.enrichment_waterfall_by_team.get(team_id, self.enrichment_waterfall)

    def hunter_url(self) -> str:
        return self.api_url(self.hunter_base_url, SANDBOX_HUNTER_PREFIX)

    def apollo_url(self) -> str:
        return self.api_url(self.apollo_base_url, SANDBOX_APOLLO_PREFIX)

    def clearbit_url(self) -> str:
        return self.api_url(self.clearbit_base_url, SANDBOX_CLEARBIT_PREFIX)

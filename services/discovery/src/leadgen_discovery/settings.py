"""Settings of the discovery service (env vars in upper case, on top of ServiceSettings)."""

from __future__ import annotations

from typing import Literal

from leadgen_common.contracts import Platform
from leadgen_common.crypto import PiiKeySettings
from leadgen_common.provider_settings import ProviderSettings, api_key_field
from pydantic import Field, SecretStr, model_validator

#: Where the sandbox serves its LinkedIn-shaped API, under SANDBOX_URL.
SANDBOX_LINKEDIN_PREFIX = "/linkedin"
SANDBOX_LINKEDIN_TOKEN_PATH = "/linkedin/oauth/v2/accessToken"
SANDBOX_FACEBOOK_PREFIX = "/facebook"
SANDBOX_TWITTER_PREFIX = "/twitter"
#: The sandbox's LinkedIn application: fine on a laptop, refused in prod.
SANDBOX_CLIENT_ID = "sandbox-client"
SANDBOX_CLIENT_SECRET = "sandbox-secret"


class DiscoverySettings(ProviderSettings, PiiKeySettings):
    service_name: str = "discovery"

    linkedin_base_url: str | None = Field(
        default=None,
        description="Base of the LinkedIn API (people search at /v2/people/search); "
        "unset means the sandbox's copy under SANDBOX_URL.",
    )
    linkedin_token_url: str | None = Field(
        default=None,
        description="OAuth2 token endpoint of LinkedIn (client credentials), e.g. "
        "https://www.linkedin.com/oauth/v2/accessToken; unset means the sandbox's.",
    )
    linkedin_client_id: SecretStr = Field(
        default=SecretStr(SANDBOX_CLIENT_ID), description="LinkedIn application client id."
    )
    linkedin_client_secret: SecretStr = Field(
        default=SecretStr(SANDBOX_CLIENT_SECRET),
        description="LinkedIn application client secret.",
    )
    oauth_refresh_margin_s: float = Field(
        default=60.0,
        ge=0,
        description="An OAuth token is fetched again this long before it expires.",
    )
    linkedin_filter_values: Literal["names", "ids"] = Field(
        default="names",
        description="Whether LinkedIn search filters on seniority, place and industry by "
        "names or by LinkedIn ids (the criteria carry both).",
    )
    linkedin_page_size: int = Field(
        default=25, ge=1, le=50, description="People asked for per search request (count)."
    )
    facebook_base_url: str | None = Field(
        default=None,
        description="Base of the Facebook Graph API (https://graph.facebook.com); unset "
        "means the sandbox's copy under SANDBOX_URL.",
    )
    facebook_api_version: str = Field(
        default="v19.0", pattern=r"^v\d+\.\d+$", description="Graph API version in paths."
    )
    facebook_access_token: SecretStr = api_key_field("Facebook")
    facebook_page_size: int = Field(
        default=50, ge=1, le=100, description="People asked for per Facebook request (limit)."
    )
    linkedin_ad_account: str = Field(
        default="urn:li:sponsoredAccount:1",
        description="LinkedIn ad account (URN) that owns lookalike audiences.",
    )
    facebook_ad_account: str = Field(
        default="act_1", description="Facebook ad account (act_<id>) that owns audiences."
    )
    lookalike_country: str = Field(
        default="US",
        pattern=r"^[A-Z]{2}$",
        description="Country of Facebook lookalikes (ISO code; Facebook requires one).",
    )
    linkedin_lookalike_locations: list[str] = Field(
        default_factory=list,
        description="LinkedIn geo URNs a lookalike is limited to; empty means everywhere.",
    )
    lookalike_ratio: float = Field(
        default=0.01,
        ge=0.01,
        le=0.2,
        description="Lookalike ratio (0.01 = the 1% most similar: smallest, closest).",
    )
    twitter_base_url: str | None = Field(
        default=None,
        description="Base of the X API (https://api.x.com); unset means the sandbox's copy "
        "under SANDBOX_URL.",
    )
    twitter_bearer_token: SecretStr = api_key_field("X (app-only bearer token)")
    twitter_page_size: int = Field(
        default=100, ge=1, le=1000, description="Users asked for per X search (max_results)."
    )
    platform_timeout_s: float = Field(
        default=10.0, gt=0, description="Timeout of one platform HTTP request."
    )
    platform_max_connections: int = Field(
        default=20, ge=1, description="Pooled connections per platform and replica."
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
    redis_timeout_s: float = Field(
        default=5.0, gt=0, description="Connect and command timeout of Redis (rate limiter)."
    )
    db_pool_size: int = Field(default=5, ge=1, description="Postgres connections per replica.")
    db_timeout_s: float = Field(
        default=5.0, gt=0, description="Connect and statement timeout of Postgres calls."
    )

    @model_validator(mode="after")
    def _check(self) -> DiscoverySettings:
        if self.environment == "prod" and (
            self.linkedin_client_secret.get_secret_value() == SANDBOX_CLIENT_SECRET
        ):
            raise ValueError("LINKEDIN_CLIENT_SECRET is the sandbox's; set a real one in prod")
        self.refuse_sandbox_key_in_prod("FACEBOOK_ACCESS_TOKEN", self.facebook_access_token)
        self.refuse_sandbox_key_in_prod("TWITTER_BEARER_TOKEN", self.twitter_bearer_token)
        if self.lease_renew_s * 2 > self.cursor_lease_s:
            raise ValueError("LEASE_RENEW_S must be at most half of CURSOR_LEASE_S")
        return self

    def linkedin_url(self) -> str:
        return self.api_url(self.linkedin_base_url, SANDBOX_LINKEDIN_PREFIX)

    def linkedin_oauth_url(self) -> str:
        return self.api_url(self.linkedin_token_url, SANDBOX_LINKEDIN_TOKEN_PATH)

    def facebook_url(self) -> str:
        return self.api_url(self.facebook_base_url, SANDBOX_FACEBOOK_PREFIX)

    def twitter_url(self) -> str:
        return self.api_url(self.twitter_base_url, SANDBOX_TWITTER_PREFIX)

    def page_sizes(self) -> dict[Platform, int]:
        return {
            Platform.LINKEDIN: self.linkedin_page_size,
            Platform.FACEBOOK: self.facebook_page_size,
            Platform.TWITTER: self.twitter_page_size,
        }

"""Settings of the gateway (env vars in upper case, on top of ServiceSettings)."""

from __future__ import annotations

from leadgen_common.crypto import PiiKeySettings
from leadgen_common.settings import ServiceSettings
from pydantic import Field, SecretStr, model_validator


class GatewaySettings(ServiceSettings, PiiKeySettings):
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
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description="Largest request body; a larger one is refused with 413 payload_too_large.",
    )
    db_pool_size: int = Field(default=10, ge=1, description="Postgres connections per replica.")
    principal_cache_size: int = Field(
        default=10_000,
        ge=0,
        description="Principals remembered as already upserted, so a request writes nothing.",
    )
    api_rate_limit_per_minute: int = Field(
        default=600,
        ge=0,
        description="Requests one principal (team and subject) may make in any rolling minute; "
        "more are answered 429 rate_limited with Retry-After. Shared by every replica through "
        "REDIS_URL when set, else counted per replica. 0 turns the limit off.",
    )
    rate_limit_redis_timeout_s: float = Field(
        default=0.5,
        gt=0,
        description="Redis timeout of the API rate limit; past it the replica limits on its own.",
    )
    max_prospects_per_campaign: int = Field(
        default=100_000,
        ge=1,
        le=100_000,
        description="Largest options.maxProspects a campaign may ask for (the contract's own "
        "bound is 100,000); more is a 422 naming the field.",
    )
    console_dev_login: bool = Field(
        default=False,
        description="Offer 'dev login' on /console/login: a token for the demo team minted "
        "by the gateway itself, no token to paste. The devstack turns it on; never in a "
        "shared environment (anyone reaching the console becomes the demo team's admin); "
        "refused when ENVIRONMENT=prod.",
    )
    pinecone_api_key: SecretStr | None = Field(
        default=None,
        description="Set (as for scoring) when scoring keeps vectors in Pinecone: the similar "
        "routes then search Pinecone instead of pgvector.",
    )
    pinecone_index_host: str | None = Field(
        default=None, description="Data-plane host of scoring's Pinecone index."
    )
    pinecone_timeout_s: float = Field(
        default=10.0, gt=0, description="Pinecone request timeout of the similar routes."
    )

    webhooks_allow_private: bool = Field(
        default=False,
        description="Dev mode of webhook URLs: http and private, loopback and link-local "
        "targets are allowed (the dev stack sets it, so a local receiver works). Refused "
        "with ENVIRONMENT=prod.",
    )

    @model_validator(mode="after")
    def _no_private_webhooks_in_prod(self) -> GatewaySettings:
        if self.environment == "prod" and self.webhooks_allow_private:
            raise ValueError("WEBHOOKS_ALLOW_PRIVATE is a dev setting; ENVIRONMENT is prod")
        return self

    @model_validator(mode="after")
    def _pinecone_needs_its_host(self) -> GatewaySettings:
        if self.pinecone_api_key and not self.pinecone_index_host:
            raise ValueError("PINECONE_API_KEY is set: PINECONE_INDEX_HOST is needed too")
        return self

    @model_validator(mode="after")
    def _no_dev_login_in_prod(self) -> GatewaySettings:
        if self.console_dev_login and self.environment == "prod":
            raise ValueError("CONSOLE_DEV_LOGIN is for dev stacks; it is refused in prod")
        return self

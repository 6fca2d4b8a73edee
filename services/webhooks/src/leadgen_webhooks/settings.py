"""Settings of the webhooks service (env vars in upper case, on top of ServiceSettings)."""

from __future__ import annotations

from leadgen_common.crypto import PiiKeySettings
from leadgen_common.settings import ServiceSettings
from pydantic import Field, model_validator


class WebhooksSettings(ServiceSettings, PiiKeySettings):
    service_name: str = "webhooks"
    webhooks_allow_private: bool = Field(
        default=False,
        description="Dev mode: deliver over http and to private, loopback and link-local "
        "addresses (the dev stack sets it, as for the gateway). Refused with ENVIRONMENT=prod.",
    )
    webhook_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="An attempt that has no answer within this is failed (connect and read).",
    )
    webhook_max_attempts: int = Field(
        default=10,
        ge=1,
        description="Attempts of one delivery before it is failed (the first one included).",
    )
    webhook_backoff_base_s: float = Field(
        default=30.0,
        gt=0,
        description="Wait after the first failed attempt; it doubles after each one (with "
        "jitter: between half and all of it).",
    )
    webhook_backoff_max_s: float = Field(
        default=3600.0, gt=0, description="Longest wait between two attempts."
    )
    webhook_disable_after: int = Field(
        default=5,
        ge=1,
        description="Consecutive failed deliveries (each after its last attempt) that disable "
        "an endpoint; PATCH /webhooks/{id} enabled=true resumes it.",
    )
    webhook_poll_interval_s: float = Field(
        default=1.0,
        gt=0,
        description="How often the dispatcher looks for due deliveries when nothing woke it.",
    )
    webhook_batch_size: int = Field(
        default=50, ge=1, description="Due deliveries one dispatcher pass claims."
    )
    webhook_concurrency: int = Field(
        default=20, ge=1, description="Attempts in flight at once per replica."
    )
    webhook_lease_s: float = Field(
        default=120.0,
        gt=0,
        description="A claimed delivery is due again after this if its replica died "
        "mid-attempt (a receiver may then see the event id twice). Must exceed the timeout.",
    )
    db_pool_size: int = Field(default=5, ge=1, description="Postgres connections per replica.")
    db_timeout_s: float = Field(
        default=5.0, gt=0, description="Bound on connecting and on each statement."
    )

    @model_validator(mode="after")
    def _consistent(self) -> WebhooksSettings:
        if self.environment == "prod" and self.webhooks_allow_private:
            raise ValueError("WEBHOOKS_ALLOW_PRIVATE is a dev setting; ENVIRONMENT is prod")
        if self.webhook_lease_s <= self.webhook_timeout_s:
            raise ValueError("WEBHOOK_LEASE_S must exceed WEBHOOK_TIMEOUT_S")
        if self.webhook_backoff_max_s < self.webhook_backoff_base_s:
            raise ValueError("WEBHOOK_BACKOFF_MAX_S must be at least WEBHOOK_BACKOFF_BASE_S")
        return self

"""Rate-limit settings from the environment; defaults are the spec's production values.

Caps (spec §3.3): ``LINKEDIN_RATE_LIMIT_PER_HOUR`` (1000), ``FACEBOOK_RATE_LIMIT_PER_HOUR``
(5000), ``ENRICHMENT_RATE_LIMIT_PER_HOUR`` (500, shared by Clearbit, Hunter, Apollo and
ZoomInfo), and ``TWITTER_RATE_LIMIT_PER_HOUR`` (1000; the spec names no X cap, this mirrors
LinkedIn's). Operation buckets (spec §4.3): see ``OPERATION_DEFAULTS_PER_HOUR``; any other
``platform:operation`` gets ``RATE_LIMIT_DEFAULT_PER_HOUR`` (100, the spec's fallback).

``RATE_LIMITS`` (JSON) overrides any bucket, caps included, and wins over the variables above:
``{"linkedin:search": 6000, "linkedin:profile": {"per_hour": 20000, "burst": 50}}``.
``RATE_LIMIT_WINDOW_S`` shortens the rolling window (limits stay per hour and are scaled down,
rounding down): a short window smooths load and keeps each bucket's log small.
"""

from __future__ import annotations

import json
import math

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .limits import BucketLimit, LimitTable, check_bucket_name

SECONDS_PER_HOUR = 3600.0

#: Spec §4.3's table; the rest of the providers the services call get the spec's fallback
#: of 100 per hour, listed so they are documented and overridable by name.
OPERATION_DEFAULTS_PER_HOUR: dict[str, int] = {
    "linkedin:search": 100,
    "linkedin:profile": 500,
    "facebook:audience": 200,  # targeting search, audience insights, reach estimate, lookalike
    "facebook:members": 100,  # page followers and group members (Graph API)
    "twitter:search": 100,
    "clearbit:enrich": 50,
    "hunter:find": 100,
    "hunter:verify": 100,
    "apollo:match": 100,
}

#: Which cap a provider's calls count against (the first part of a bucket name).
CAPS_BY_PLATFORM: dict[str, str] = {
    "linkedin": "linkedin",
    "facebook": "facebook",
    "twitter": "twitter",
    "clearbit": "enrichment",
    "hunter": "enrichment",
    "apollo": "enrichment",
    "zoominfo": "enrichment",
}


#: The embedded dev stack against the sandbox: a one-minute window and limits about twice
#: what a 10,000-prospect campaign needs to finish in a couple of minutes (~10k profile
#: fetches, a few hundred search pages, ~4 enrichment calls per prospect). Same settings,
#: other values; the limiter still decides every call.
DEV_STACK_ENV: dict[str, str] = {
    "RATE_LIMIT_WINDOW_S": "60",
    "LINKEDIN_RATE_LIMIT_PER_HOUR": "720000",  # 12,000 a minute
    "FACEBOOK_RATE_LIMIT_PER_HOUR": "720000",
    "TWITTER_RATE_LIMIT_PER_HOUR": "360000",
    "ENRICHMENT_RATE_LIMIT_PER_HOUR": "3600000",  # 60,000 a minute, all providers together
    "RATE_LIMIT_DEFAULT_PER_HOUR": "360000",
    "RATE_LIMITS": json.dumps(
        {
            "linkedin:search": 72000,
            "linkedin:profile": 720000,
            "facebook:audience": 72000,
            "facebook:members": 360000,
            "twitter:search": 180000,
            "clearbit:enrich": 1200000,
            "hunter:find": 1200000,
            "hunter:verify": 1200000,
            "apollo:match": 1200000,
        }
    ),
}


class RateOverride(BaseModel):
    """One entry of ``RATE_LIMITS``: a bare number is ``per_hour``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    per_hour: int | None = Field(default=None, ge=1)
    burst: int | None = Field(default=None, ge=1)


class RateLimitSettings(BaseSettings):
    """Read from upper-case env names; services compose it with their own settings."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    linkedin_rate_limit_per_hour: int = Field(default=1000, ge=1, description="LinkedIn cap.")
    facebook_rate_limit_per_hour: int = Field(default=5000, ge=1, description="Facebook cap.")
    twitter_rate_limit_per_hour: int = Field(default=1000, ge=1, description="X cap.")
    enrichment_rate_limit_per_hour: int = Field(
        default=500, ge=1, description="Cap shared by every enrichment provider."
    )
    rate_limit_default_per_hour: int = Field(
        default=100, ge=1, description="Any platform:operation bucket not configured."
    )
    rate_limit_window_s: float = Field(
        default=SECONDS_PER_HOUR,
        gt=0,
        le=SECONDS_PER_HOUR,
        description="Rolling window; per-hour limits are scaled to it (rounded down).",
    )
    rate_limits: dict[str, RateOverride] = Field(
        default_factory=dict, description="JSON overrides by bucket name (wins over the rest)."
    )

    @field_validator("rate_limits", mode="before")
    @classmethod
    def _bare_numbers_are_per_hour(cls, value: object) -> object:
        if isinstance(value, dict):
            return {
                check_bucket_name(name): {"per_hour": v} if isinstance(v, int) else v
                for name, v in value.items()
            }
        return value

    @model_validator(mode="after")
    def _every_bucket_admits_a_call_per_window(self) -> RateLimitSettings:
        self.limit_table()
        return self

    def per_hour(self) -> dict[str, tuple[int, int | None]]:
        """Every configured bucket: (calls per hour, burst)."""
        table: dict[str, tuple[int, int | None]] = {
            "linkedin": (self.linkedin_rate_limit_per_hour, None),
            "facebook": (self.facebook_rate_limit_per_hour, None),
            "twitter": (self.twitter_rate_limit_per_hour, None),
            "enrichment": (self.enrichment_rate_limit_per_hour, None),
        }
        table.update({name: (rate, None) for name, rate in OPERATION_DEFAULTS_PER_HOUR.items()})
        for name, override in self.rate_limits.items():
            rate, burst = table.get(name, (self.rate_limit_default_per_hour, None))
            table[name] = (override.per_hour or rate, override.burst or burst)
        return table

    def limit_table(self) -> LimitTable:
        buckets = {
            name: self._bucket(name, rate, burst) for name, (rate, burst) in self.per_hour().items()
        }
        caps = {platform: cap for platform, cap in CAPS_BY_PLATFORM.items() if cap in buckets}
        for name, limit in buckets.items():
            cap = caps.get(name.split(":", 1)[0]) if ":" in name else None
            buckets[name] = limit.model_copy(update={"parent": cap})
        default = self._bucket("default", self.rate_limit_default_per_hour, None)
        return LimitTable(buckets=buckets, default=default, caps_by_platform=caps)

    def _bucket(self, name: str, per_hour: int, burst: int | None) -> BucketLimit:
        # round first: 0.1 s windows make float error, and a whole call must never be lost to it
        limit = math.floor(round(per_hour * self.rate_limit_window_s / SECONDS_PER_HOUR, 6))
        if limit < 1:
            raise ValueError(
                f"{name}: {per_hour}/h is less than one call per {self.rate_limit_window_s:g} s "
                "window; lengthen RATE_LIMIT_WINDOW_S or raise the limit"
            )
        return BucketLimit(
            limit=limit,
            window_s=self.rate_limit_window_s,
            burst=min(burst, limit) if burst else None,
        )

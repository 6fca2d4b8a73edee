"""Redis rate limiter shared by every replica: per platform:operation buckets under caps."""

from .limiter import (
    Acquired,
    Decision,
    OnWait,
    RateLimitedUntil,
    RateLimiter,
    RateLimitTimeoutError,
)
from .limits import BucketLimit, LimitTable, UnknownBucketError
from .settings import (
    CAPS_BY_PLATFORM,
    DEV_STACK_ENV,
    OPERATION_DEFAULTS_PER_HOUR,
    RateLimitSettings,
)

__all__ = [
    "CAPS_BY_PLATFORM",
    "DEV_STACK_ENV",
    "OPERATION_DEFAULTS_PER_HOUR",
    "Acquired",
    "BucketLimit",
    "Decision",
    "LimitTable",
    "OnWait",
    "RateLimitSettings",
    "RateLimitTimeoutError",
    "RateLimitedUntil",
    "RateLimiter",
    "UnknownBucketError",
]

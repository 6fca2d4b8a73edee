"""Settings base shared by every service (pydantic-settings, env vars, SecretStr)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Values that are fine on a laptop and must never reach a shared environment.
DEV_PLACEHOLDER_SECRET = "dev-only-insecure-jwt-secret-change-me"


class ServiceSettings(BaseSettings):
    """Read from the environment (upper-case names, e.g. ``KAFKA_BOOTSTRAP_SERVERS``)."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str = Field(default="leadgen", description="Name in logs, metrics, client ids.")
    environment: Literal["dev", "test", "prod"] = Field(
        default="dev", description="dev and test allow placeholder secrets; prod refuses them."
    )
    log_level: str = Field(default="INFO", description="Python log level for this service.")
    traces_file: Path | None = Field(
        default=None,
        description="Append every finished trace span as one JSON line to this file (tests, "
        "debugging); turns tracing on by itself. Exporting to a collector is configured by "
        "the standard OTEL_* variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_EXPORTER).",
    )
    http_host: str = Field(default="127.0.0.1", description="Bind address of /healthz etc.")
    http_port: int = Field(default=8000, ge=0, le=65535, description="HTTP port (0 = any free).")

    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092", description="Comma-separated host:port list."
    )
    kafka_session_timeout_ms: int = Field(
        default=6000,
        ge=1000,
        description="Consumer session timeout; short in dev because joins take half of it.",
    )
    kafka_heartbeat_interval_ms: int = Field(
        default=1000, ge=100, description="Consumer heartbeat (under a third of the session)."
    )
    kafka_max_poll_records: int = Field(
        default=100, ge=1, description="Bound on records fetched per poll (in-flight work)."
    )
    kafka_max_request_bytes: int = Field(
        default=1_048_576,
        ge=65_536,
        description="Largest produce request (aiokafka max_request_size); at most the "
        "broker's message.max.bytes. A dead letter is cut to fit it.",
    )
    max_event_bytes: int = Field(
        default=524_288,
        ge=1024,
        description="Largest message a consumer accepts (a larger one is dead-lettered as "
        "too_large) and a producer sends (EventTooLarge).",
    )
    handler_retries: int = Field(
        default=5, ge=0, description="Retries of a transient handler failure before dead-lettering."
    )
    handler_retry_backoff_s: float = Field(default=0.2, gt=0, description="First retry delay.")
    handler_max_backoff_s: float = Field(
        default=5.0, gt=0, description="Longest retry delay (also while a dependency is down)."
    )

    database_url: SecretStr | None = Field(
        default=None, description="postgresql+asyncpg://… for this service's own role."
    )
    redis_url: SecretStr | None = Field(default=None, description="redis://host:port/db")

    jwt_secret: SecretStr = Field(
        default=SecretStr(DEV_PLACEHOLDER_SECRET),
        description="HMAC key of bearer tokens when JWT_KEYS is not set (its key id is `default`).",
    )
    jwt_keys: dict[str, SecretStr] | None = Field(
        default=None,
        description="Key ring as JSON `{kid: secret}`; replaces JWT_SECRET when set. A token "
        "is verified with the key its `kid` header names (one without a kid: key `default`), "
        "so old keys keep verifying until removed.",
    )
    jwt_signing_kid: str | None = Field(
        default=None,
        description="Key id in JWT_KEYS that signs new tokens (needed when it holds several).",
    )
    jwt_algorithms: list[Literal["HS256", "HS384", "HS512"]] = Field(
        default=["HS256"],
        min_length=1,
        description="Accepted token algorithms (JSON list); the first signs. Any other, `none` "
        "included, is refused.",
    )
    jwt_issuer: str = Field(default="leadgen", description="Expected `iss` claim.")
    jwt_audience: str = Field(default="leadgen-api", description="Expected `aud` claim.")

    lag_interval_s: float = Field(
        default=15.0,
        ge=0,
        description="How often the service reads its consumer groups' lag "
        "(leadgen_consumer_lag); 0 turns the reading off.",
    )

    shutdown_grace_s: float = Field(
        default=15.0, gt=0, description="Time in-flight work gets after SIGTERM."
    )

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_prod(self) -> ServiceSettings:
        if self.environment == "prod" and (
            self.jwt_secret.get_secret_value() == DEV_PLACEHOLDER_SECRET
        ):
            raise ValueError("JWT_SECRET is the dev placeholder; set a real secret in prod")
        return self

    @model_validator(mode="after")
    def _usable_jwt_keys(self) -> ServiceSettings:
        if self.jwt_keys is not None:
            if not self.jwt_keys or not all(kid.strip() for kid in self.jwt_keys):
                raise ValueError("JWT_KEYS needs at least one key, each with a non-empty kid")
            if self.jwt_signing_kid is None and len(self.jwt_keys) > 1:
                raise ValueError("JWT_KEYS holds several keys: JWT_SIGNING_KID must name one")
            if self.jwt_signing_kid is not None and self.jwt_signing_kid not in self.jwt_keys:
                raise ValueError(f"JWT_SIGNING_KID {self.jwt_signing_kid!r} is not in JWT_KEYS")
            if self.environment == "prod":
                for kid, key in self.jwt_keys.items():
                    secret = key.get_secret_value()
                    if secret == DEV_PLACEHOLDER_SECRET or len(secret.encode()) < 32:
                        raise ValueError(f"JWT_KEYS[{kid!r}] is a placeholder or under 32 bytes")
        elif self.jwt_signing_kid not in (None, "default"):
            raise ValueError("JWT_SIGNING_KID names a key of JWT_KEYS, which is not set")
        return self

    def require_database_url(self) -> str:
        if self.database_url is None:
            raise RuntimeError(f"{self.service_name}: DATABASE_URL is not set")
        return self.database_url.get_secret_value()

    def require_redis_url(self) -> str:
        if self.redis_url is None:
            raise RuntimeError(f"{self.service_name}: REDIS_URL is not set")
        return self.redis_url.get_secret_value()

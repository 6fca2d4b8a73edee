"""The leadgen services, each its own OS process with its own database role."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import partial

from leadgen_common.ratelimit import DEV_STACK_ENV

from ..ports import HOST
from .probes import http_ok
from .spec import ProcessSpec


@dataclass(frozen=True)
class Service:
    name: str  # SERVICE_NAME, pid/log file name

    @property
    def module(self) -> str:
        return f"leadgen_{self.name.replace('-', '_')}"

    @property
    def db_role(self) -> str:
        return self.module

    @property
    def db_url_key(self) -> str:
        """Where bootstrap keeps this service's DATABASE_URL in the secrets file."""
        return db_url_key(self.name)

    @property
    def env_prefix(self) -> str:
        """GATEWAY, LEAD_WRITER, ... as in GATEWAY_METRICS_URL."""
        return self.name.replace("-", "_").upper()


def service_of(process: str) -> str | None:
    """The service a process name belongs to (``scoring-2`` -> ``scoring``), or None."""
    for service in SERVICES:
        if process == service.name or process.startswith(f"{service.name}-"):
            suffix = process[len(service.name) + 1 :]
            if process == service.name or suffix.isdigit():
                return service.name
    return None


def db_url_key(service: str) -> str:
    return f"DATABASE_URL_{service.replace('-', '_').upper()}"


SERVICES = tuple(
    Service(name)
    for name in ("gateway", "discovery", "enrichment", "scoring", "lead-writer", "webhooks")
)

#: The services that encrypt or decrypt contact details (and webhook secrets and bodies):
#: they get the personal-data keys.
PII_SERVICES = ("gateway", "discovery", "enrichment", "lead-writer", "webhooks")
#: Webhooks in the dev stack: local receivers (http, loopback) are allowed, and retries are
#: quick so a failing receiver is retried and given up on within seconds, not hours.
DEV_WEBHOOK_ENV = {
    "gateway": {"WEBHOOKS_ALLOW_PRIVATE": "true"},
    "webhooks": {
        "WEBHOOKS_ALLOW_PRIVATE": "true",
        "WEBHOOK_BACKOFF_BASE_S": "0.5",
        "WEBHOOK_BACKOFF_MAX_S": "5",
        "WEBHOOK_MAX_ATTEMPTS": "5",
        "WEBHOOK_POLL_INTERVAL_S": "0.5",
    },
}
#: How often they look at the dev stack's keys file for a change (`leadgen keys rotate`
#: waits longer than this before re-encrypting, so every writer is on the new key).
PII_KEYS_RELOAD_S = 1.0


def origin(port: int) -> str:
    return f"http://{HOST}:{port}"


def rate_limit_env() -> dict[str, str]:
    """The rate limits of the dev stack (limits a 10,000-prospect campaign finishes in
    minutes with), except those the caller's environment sets itself: a run that wants
    strict limits exports them before ``leadgen up``."""
    return {name: value for name, value in DEV_STACK_ENV.items() if name not in os.environ}


#: How often the dev stack's services read their consumer lag (production: every 15 s):
#: a drained pipeline shows as lag 0 within seconds, on a dashboard and in the tests.
DEV_LAG_INTERVAL_S = "2"


def lag_env() -> dict[str, str]:
    """LAG_INTERVAL_S of the dev stack, unless the caller's environment sets its own."""
    return {} if "LAG_INTERVAL_S" in os.environ else {"LAG_INTERVAL_S": DEV_LAG_INTERVAL_S}


def service_spec(
    service: Service, port: int, env: dict[str, str], name: str | None = None
) -> ProcessSpec:
    """``env`` holds what all services share (Kafka, Redis, sandbox, secret, log level)
    plus this service's DATABASE_URL; the rate limits of the dev stack come with it.
    ``name`` names a replica's process (``scoring-2``); SERVICE_NAME stays the service's."""
    return ProcessSpec(
        name=name or service.name,
        # The interpreter itself, not `uv run`: the recorded pid must be the service.
        argv=[sys.executable, "-m", service.module],
        port=port,
        ready=partial(http_ok, f"{origin(port)}/readyz"),
        env={
            **rate_limit_env(),
            **{
                k: v
                for k, v in DEV_WEBHOOK_ENV.get(service.name, {}).items()
                if k not in os.environ
            },
            **lag_env(),
            **env,
            "SERVICE_NAME": service.name,
            "ENVIRONMENT": "dev",
            "HTTP_HOST": HOST,
            "HTTP_PORT": str(port),
        },
        restart=True,
    )

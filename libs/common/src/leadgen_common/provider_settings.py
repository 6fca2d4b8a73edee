"""Settings of a service that calls outside APIs (platforms, data providers): by default
the dev stack's sandbox copy of each API with the sandbox's key, which prod refuses."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr

from .settings import ServiceSettings

#: The sandbox's API key: fine on a laptop, refused in prod.
SANDBOX_API_KEY = "sandbox-key"


def api_key_field(api: str) -> Any:
    """A bearer key setting that defaults to the sandbox's key."""
    return Field(default=SecretStr(SANDBOX_API_KEY), description=f"Bearer key for the {api} API.")


class ProviderSettings(ServiceSettings):
    sandbox_url: str = Field(
        default="http://127.0.0.1:8090", description="Origin of the sandbox provider server."
    )

    def refuse_sandbox_key_in_prod(self, variable: str, key: SecretStr) -> None:
        """Raise (failing validation) if ``key``, set by env var ``variable``, is the
        sandbox's key in prod."""
        if self.environment == "prod" and key.get_secret_value() == SANDBOX_API_KEY:
            raise ValueError(f"{variable} is the sandbox key; set a real key in prod")

    def api_url(self, base_url: str | None, sandbox_prefix: str) -> str:
        """``base_url`` if set, else the sandbox's copy of the API under ``sandbox_prefix``."""
        return base_url or self.sandbox_url.rstrip("/") + sandbox_prefix

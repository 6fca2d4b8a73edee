"""Provider settings: the sandbox by default, a real base URL when set, and prod refusing
the sandbox's key."""

from __future__ import annotations

import pytest
from leadgen_common.provider_settings import ProviderSettings, api_key_field
from pydantic import SecretStr, ValidationError, model_validator


class ExampleSettings(ProviderSettings):
    example_base_url: str | None = None
    example_api_key: SecretStr = api_key_field("Example")

    @model_validator(mode="after")
    def _check(self) -> ExampleSettings:
        self.refuse_sandbox_key_in_prod("EXAMPLE_API_KEY", self.example_api_key)
        return self


def test_the_sandbox_copy_unless_a_base_url_is_set():
    settings = ExampleSettings(sandbox_url="http://127.0.0.1:9999/")
    assert settings.api_url(settings.example_base_url, "/example") == (
        "http://127.0.0.1:9999/example"
    )
    assert settings.api_url("https://api.example.com", "/example") == "https://api.example.com"


def test_the_key_defaults_to_the_sandbox_key_and_is_secret():
    settings = ExampleSettings()
    assert settings.example_api_key.get_secret_value() == "sandbox-key"
    assert "sandbox-key" not in repr(settings)
    assert ExampleSettings.model_fields["example_api_key"].description == (
        "Bearer key for the Example API."
    )


def test_prod_refuses_the_sandbox_key_and_takes_a_real_one():
    with pytest.raises(ValidationError, match="EXAMPLE_API_KEY is the sandbox key"):
        ExampleSettings(environment="prod", jwt_secret="s" * 32)
    ExampleSettings(environment="prod", jwt_secret="s" * 32, example_api_key="real")
    ExampleSettings(environment="dev")

"""The README's settings tables, generated from the settings classes themselves.

``python -m leadgen_devstack.settings_doc`` rewrites the block between the markers in
README.md; a test fails when the README and the code drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

from leadgen_common.crypto import PiiKeySettings
from leadgen_common.settings import ServiceSettings
from pydantic_settings import BaseSettings

from .config import DevstackSettings, repo_root

BEGIN = "<!-- settings:begin (generated: uv run python -m leadgen_devstack.settings_doc) -->"
END = "<!-- settings:end -->"


def _classes() -> list[tuple[str, type[BaseSettings], set[str]]]:
    from leadgen_common.ratelimit.settings import RateLimitSettings
    from leadgen_discovery.settings import DiscoverySettings
    from leadgen_enrichment.settings import EnrichmentSettings
    from leadgen_gateway.settings import GatewaySettings
    from leadgen_lead_writer.main import LeadWriterSettings
    from leadgen_lead_writer.retention import RetentionSettings
    from leadgen_scoring.main import ScoringSettings
    from leadgen_webhooks.settings import WebhooksSettings

    from .sandbox.settings import SandboxSettings

    # The personal-data keys have one table of their own, not a copy in each service's.
    shared = set(ServiceSettings.model_fields) | set(PiiKeySettings.model_fields)
    return [
        ("every service", ServiceSettings, set()),
        (
            "personal-data keys (gateway, discovery, enrichment, lead-writer, webhooks)",
            PiiKeySettings,
            set(),
        ),
        (
            "rate limits (Redis, shared by every replica of discovery and enrichment)",
            RateLimitSettings,
            set(),
        ),
        ("gateway", GatewaySettings, shared),
        ("discovery", DiscoverySettings, shared),
        ("enrichment", EnrichmentSettings, shared),
        ("scoring", ScoringSettings, shared),
        ("lead-writer", LeadWriterSettings, shared),
        (
            "lead-writer's retention job (`leadgen retention run`, the retention CronJob)",
            RetentionSettings,
            shared,
        ),
        ("webhooks", WebhooksSettings, shared),
        ("sandbox provider server", SandboxSettings, {"http_host", "http_port", "log_level"}),
        ("dev stack (`leadgen up`)", DevstackSettings, set()),
    ]


def _default(value: object) -> str:
    if hasattr(value, "get_secret_value"):
        return "(secret)"
    return "—" if value is None else f"`{value}`"


def table(title: str, cls: type[BaseSettings], skip: set[str]) -> str:
    prefix = (cls.model_config.get("env_prefix") or "").upper()
    lines = [f"**{title}**", "", "| variable | default | meaning |", "|---|---|---|"]
    for name, field in cls.model_fields.items():
        if name in skip:
            continue
        meaning = (field.description or "").replace("|", "\\|")
        default = _default(field.get_default(call_default_factory=True))
        lines.append(f"| `{prefix}{name.upper()}` | {default} | {meaning} |")
    return "\n".join(lines)


def render() -> str:
    return "\n\n".join(table(*entry) for entry in _classes())


def readme() -> Path:
    return repo_root() / "README.md"


def current_block(text: str) -> str:
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def main() -> None:
    path = readme()
    text = path.read_text()
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(f"{head}{BEGIN}\n{render()}\n{END}{tail}")
    print(f"updated {path}")


if __name__ == "__main__":
    sys.exit(main())

"""Layout of the state dir: run/<name>.pid, logs/<name>.log, pg/, stack.env, secrets,
pii-keys.json."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StatePaths:
    home: Path

    @property
    def run(self) -> Path:
        return self.home / "run"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def pgdata(self) -> Path:
        return self.home / "pg"

    @property
    def stack_env(self) -> Path:
        return self.home / "stack.env"

    @property
    def secrets(self) -> Path:
        return self.home / "secrets"

    @property
    def pii_keys(self) -> Path:
        """The keys of personal data at rest (the services' PII_KEYS_FILE, re-read when
        `leadgen keys rotate` rewrites it)."""
        return self.home / "pii-keys.json"

    @property
    def state(self) -> Path:
        """The supervisor's phase (starting, ready, failed, stopping) and the ports."""
        return self.run / "state.json"

    def pid_file(self, name: str) -> Path:
        return self.run / f"{name}.pid"

    def log_file(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def pid_files(self) -> list[Path]:
        return sorted(self.run.glob("*.pid")) if self.run.is_dir() else []

    def create(self) -> None:
        for folder in (self.home, self.run, self.logs):
            folder.mkdir(parents=True, exist_ok=True)

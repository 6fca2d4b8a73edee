"""The supervisor's phase and endpoints, shared with the CLI through run/state.json."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

Phase = Literal["starting", "ready", "failed", "stopping"]


@dataclass
class StackState:
    phase: Phase = "starting"
    message: str = ""
    started_at: float = 0.0
    ready_at: float | None = None
    #: name -> port of every server (infra, sandbox, services).
    ports: dict[str, int] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> StackState | None:
        try:
            return cls(**json.loads(path.read_text()))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

"""What the supervisor needs to know to run one process."""

from __future__ import annotations

import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

Probe = Callable[[], Awaitable[bool]]


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: list[str]
    port: int
    ready: Probe
    env: dict[str, str] = field(default_factory=dict)
    #: OS user to run as (postgres refuses to run as root).
    user: str | None = None
    cwd: Path | None = None
    #: Restarted when it dies (stateless servers). Infra holding state is not: tansu keeps
    #: topics in memory only, so a restarted broker would be an empty, different stack.
    restart: bool = False
    #: postgres: SIGINT is "fast shutdown" (SIGTERM would wait for clients to leave).
    stop_signal: int = signal.SIGTERM

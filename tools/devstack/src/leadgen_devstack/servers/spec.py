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
    #: Restarted when it dies: services, and infra whose state survives a restart
    #: (postgres keeps its data on disk). tansu keeps topics in memory only; the
    #: supervisor restarts it too, then recreates the topics and restarts every service,
    #: since a restarted dev broker is an empty one (see Supervisor.supervise).
    restart: bool = False
    #: postgres: SIGINT is "fast shutdown" (SIGTERM would wait for clients to leave).
    stop_signal: int = signal.SIGTERM

"""A stack of the bench's own (`leadgen up` in a temporary LEADGEN_HOME), always stopped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from leadgen_devstack.envfile import read_env
from leadgen_devstack.servers.services import service_of

#: What every stack of the bench runs with: providers answer at once with no quota, the
#: API limit is far above the gateway load (the check against Redis still runs), and
#: the services' own provider rate limits are the dev stack's (minutes for 10,000).
BENCH_ENV = {
    "SANDBOX_LATENCY_MS": "0",
    "SANDBOX_RATE_LIMIT_PER_MIN": "0",
    "SANDBOX_ERROR_RATE": "0",
    "API_RATE_LIMIT_PER_MINUTE": "10000000",
}


@dataclass
class Stack:
    home: Path
    env: dict[str, str]
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)

    def cli(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return _cli(self.home, *args, timeout=timeout)

    def token(self, team: str, role: str = "admin") -> str:
        """A bearer token from `leadgen token` (one CLI run per team and role: 24 h)."""
        if (team, role) not in self.tokens:
            result = self.cli("token", "--team", team, "--role", role, timeout=60)
            if result.returncode != 0:
                raise RuntimeError(f"leadgen token failed: {result.stderr}")
            self.tokens[team, role] = result.stdout.strip()
        return self.tokens[team, role]

    def service_processes(self) -> dict[str, psutil.Process]:
        """Each service process (replicas too) by its process name."""
        found = {}
        for pid_file in sorted((self.home / "run").glob("*.pid")):
            if service_of(pid_file.stem) is None:
                continue
            try:
                found[pid_file.stem] = psutil.Process(int(pid_file.read_text().split()[0]))
            except (psutil.Error, ValueError, OSError):
                continue
        return found


def _cli(home: Path, *args: str, env: Mapping[str, str] | None = None, timeout: float = 300):
    return subprocess.run(
        [sys.executable, "-m", "leadgen_devstack", *args],
        env={**os.environ, **(env or {}), "LEADGEN_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@contextmanager
def own_stack(label: str, env: Mapping[str, str] | None = None) -> Iterator[Stack]:
    """`leadgen up` with BENCH_ENV and ``env``, in a fresh temporary state dir; `leadgen
    down` and the dir removed afterwards, whatever happened."""
    tmp = Path(tempfile.mkdtemp(prefix=f"leadgen-bench-{label}-"))
    home = tmp / "home"
    try:
        up = _cli(home, "up", env={**BENCH_ENV, **(env or {})})
        if up.returncode != 0:
            raise RuntimeError(f"leadgen up ({label}) failed:\n{up.stdout}\n{up.stderr}")
        yield Stack(home, read_env(home / "stack.env"))
    finally:
        if home.exists():
            down = _cli(home, "down")
            if down.returncode != 0:
                print(f"leadgen down ({label}) failed:\n{down.stderr}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)


def existing_stack(home: Path) -> Stack:
    """A stack someone else started and stops (the smoke test's session stack)."""
    return Stack(home, read_env(home / "stack.env"))

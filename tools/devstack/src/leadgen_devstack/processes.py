"""Pid files and the processes behind them.

Every process the stack starts runs in the state dir and carries ``LEADGEN_HOME=<state
dir>`` in its environment, so a pid is only ever signalled after checking that it still
is one of ours, never a recycled pid of someone else's.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import psutil

HOME_MARKER = "LEADGEN_HOME"


def write_pid(path: Path, pid: int) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(f"{pid}\n")
    os.replace(tmp, path)


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def owned_process(pid: int | None, home: Path) -> psutil.Process | None:
    """The live process ``pid`` if this stack (state dir ``home``) started it, else None.

    Ours means: it runs in the state dir (every child's cwd is in it), names it on its
    command line (postgres -D, the supervisor), or carries it in its environment. valkey
    rewrites its title over argv and environ, hence the cwd."""
    if pid is None:
        return None
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        if Path(proc.cwd()).is_relative_to(home) or str(home) in " ".join(proc.cmdline()):
            return proc
        return proc if proc.environ().get(HOME_MARKER) == str(home) else None
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess, OSError):
        return None


def terminate(proc: psutil.Process, *, sig: int = signal.SIGTERM, grace: float = 10.0) -> bool:
    """Send ``sig``, wait ``grace`` seconds, then SIGKILL. True if it had to be killed."""
    try:
        proc.send_signal(sig)
        proc.wait(grace)
        return False
    except psutil.NoSuchProcess:
        return False
    except psutil.TimeoutExpired:
        try:
            proc.kill()
            proc.wait(5)
        except psutil.NoSuchProcess:
            pass
        return True


def log_tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return "(no log)"
    return "\n".join(text[-lines:]) or "(empty log)"

"""What every verb needs to find the stack: its state dir and the processes in it."""

from __future__ import annotations

import shutil
import signal
import sys

import psutil

from ..config import DevstackSettings
from ..envfile import read_env
from ..paths import StatePaths
from ..processes import owned_process, read_pid, terminate
from ..servers.services import service_of

#: Display and stop order of everything with a pid file.
PROCESS_ORDER = (
    "supervisor",
    "tansu",
    "postgres",
    "valkey",
    "sandbox",
    "gateway",
    "discovery",
    "enrichment",
    "scoring",
    "lead-writer",
    "webhooks",
)


def stack_paths() -> StatePaths:
    return StatePaths(DevstackSettings().state_home())


def supervisor(paths: StatePaths) -> psutil.Process | None:
    return owned_process(read_pid(paths.pid_file("supervisor")), paths.home)


def live_processes(paths: StatePaths) -> dict[str, psutil.Process]:
    """Every process named by a pid file that is alive and still ours."""
    found = {}
    for pid_file in paths.pid_files():
        proc = owned_process(read_pid(pid_file), paths.home)
        if proc is not None:
            found[pid_file.stem] = proc
    return found


def sweep(paths: StatePaths, grace: float = 5.0) -> list[str]:
    """Stop whatever of ours is still alive: the supervisor first (so it restarts
    nothing meanwhile), then services, then infra. Returns their names."""
    leftovers = live_processes(paths)
    order = sorted(leftovers, key=lambda n: _stop_rank(n))
    for name in order:
        proc = leftovers[name]
        sig = signal.SIGINT if name == "postgres" else signal.SIGTERM
        how = "killed" if terminate(proc, sig=sig, grace=grace) else "stopped"
        print(f"  {how} leftover {name} (pid {proc.pid})", file=sys.stderr)
    return order


def _stop_rank(name: str) -> int:
    stop_order = ("supervisor", *PROCESS_ORDER[5:], *PROCESS_ORDER[1:5][::-1])
    name = service_of(name) or name  # a replica (scoring-2) stops with its service
    return stop_order.index(name) if name in stop_order else len(stop_order)


def remove_state(paths: StatePaths, *, keep_logs: bool = False) -> None:
    if not paths.home.exists():
        return
    if not keep_logs:
        shutil.rmtree(paths.home)
        return
    for child in paths.home.iterdir():
        if child != paths.logs:
            shutil.rmtree(child) if child.is_dir() else child.unlink()


def stack_env(paths: StatePaths) -> dict[str, str]:
    """stack.env of the running stack; exits with a hint when there is none."""
    if not paths.stack_env.is_file() or supervisor(paths) is None:
        raise SystemExit(f"no running stack at {paths.home}: run `leadgen up` first")
    return read_env(paths.stack_env)

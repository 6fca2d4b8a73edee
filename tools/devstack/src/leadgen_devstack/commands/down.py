"""`leadgen down`: stop every process the stack started (by pid, nothing else), remove
the state dir."""

from __future__ import annotations

import argparse
import signal
import sys
import time

from ..config import DevstackSettings
from ..paths import StatePaths
from ..processes import terminate
from ._stack import live_processes, remove_state, supervisor, sweep


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("down", help="stop the stack and remove its state")
    parser.set_defaults(handler=down)


def down(_: argparse.Namespace) -> int:
    settings = DevstackSettings()
    paths = StatePaths(settings.state_home())
    if not paths.home.exists():
        print(f"no stack running (no state dir at {paths.home})")
        return 0
    started = time.monotonic()
    boss = supervisor(paths)
    if boss is None:
        print(f"no supervisor running in {paths.home}; cleaning up what is left")
    else:
        # It stops services (grace, then SIGKILL), then sandbox, valkey, postgres, tansu.
        terminate(boss, sig=signal.SIGTERM, grace=settings.stop_grace_s * 6 + 10)
    sweep(paths)
    survivors = live_processes(paths)
    if survivors:
        names = ", ".join(f"{n} (pid {p.pid})" for n, p in survivors.items())
        print(f"could not stop: {names}; state kept in {paths.home}", file=sys.stderr)
        return 1
    remove_state(paths)
    print(f"stack stopped in {time.monotonic() - started:.1f} s; removed {paths.home}")
    return 0

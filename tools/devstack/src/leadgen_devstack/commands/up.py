"""`leadgen up`: start the stack in the background and wait until every service is ready."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time

from ..config import DevstackSettings
from ..envfile import read_env
from ..paths import StatePaths
from ..processes import HOME_MARKER, log_tail, write_pid
from ..state import StackState
from ._stack import remove_state, supervisor, sweep

_PASSWORD = re.compile(r"(://[^:/@]+:)[^@]+@")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("up", help="start the embedded stack and wait until it is ready")
    parser.set_defaults(handler=up)


def up(_: argparse.Namespace) -> int:
    settings = DevstackSettings()
    paths = StatePaths(settings.state_home())
    if supervisor(paths) is not None:
        state = StackState.load(paths.state) or StackState()
        if state.phase == "failed":
            print(
                f"the stack in {paths.home} has failed: {state.message}\n"
                "run `leadgen down`, then `leadgen up`",
                file=sys.stderr,
            )
            return 1
        print(f"a stack is already running in {paths.home} ({state.phase})")
        _print_endpoints(paths)
        return 0
    if paths.home.exists():  # a stack that died without `down`: clear what it left
        sweep(paths)
        remove_state(paths)
    paths.create()
    started = time.monotonic()
    proc = _spawn_supervisor(paths)
    try:
        outcome = _wait_outcome(paths, proc, settings)
    except KeyboardInterrupt:
        proc.terminate()
        outcome = "interrupted: stopping what was started"
    if outcome == "ready":
        print(f"stack ready in {time.monotonic() - started:.1f} s ({paths.home})")
        _print_endpoints(paths)
        return 0
    print(f"leadgen up failed: {outcome}", file=sys.stderr)
    _clean_after_failure(paths, proc, settings)
    return 1


def _spawn_supervisor(paths: StatePaths) -> subprocess.Popen[bytes]:
    with open(paths.log_file("supervisor"), "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "leadgen_devstack.supervisor", "--home", str(paths.home)],
            env={**os.environ, HOME_MARKER: str(paths.home)},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives this command and its terminal
        )
    write_pid(paths.pid_file("supervisor"), proc.pid)
    return proc


def _wait_outcome(paths: StatePaths, proc: subprocess.Popen[bytes], s: DevstackSettings) -> str:
    """'ready', or why not."""
    deadline = time.monotonic() + 2 * s.ready_timeout_s + 60
    while time.monotonic() < deadline:
        state = StackState.load(paths.state)
        if state and state.phase == "ready":
            return "ready"
        if state and state.phase == "failed":
            return state.message
        if proc.poll() == 0:
            return "the stack was stopped before it became ready (`leadgen down` or a signal)"
        if proc.poll() is not None:
            return (
                f"the supervisor exited with code {proc.returncode}\n"
                f"{log_tail(paths.log_file('supervisor'))}"
            )
        time.sleep(0.1)
    proc.terminate()
    return "the stack did not become ready in time (see logs/supervisor.log)"


def _clean_after_failure(
    paths: StatePaths, proc: subprocess.Popen[bytes], s: DevstackSettings
) -> None:
    """The supervisor stops what it started; wait for it, then make sure, keep the logs."""
    try:
        proc.wait(timeout=s.stop_grace_s * 6 + 10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    sweep(paths)
    remove_state(paths, keep_logs=True)
    print(f"stopped everything it started; logs kept in {paths.logs}", file=sys.stderr)


def _print_endpoints(paths: StatePaths) -> None:
    if not paths.stack_env.is_file():
        return
    for key, value in read_env(paths.stack_env).items():
        if key.endswith("_URL"):
            shown = _PASSWORD.sub(r"\1***@", value)
            print(f"  {key:<24} {shown}")
    print(f"  {'env file':<24} {paths.stack_env}")

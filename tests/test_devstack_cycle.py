"""`leadgen up` / `leadgen down` in state dirs of their own: two cycles in a row leave no
process and no state, and an `up` that cannot start a server says which, stops what it
started and exits non-zero."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
import pytest

pytestmark = pytest.mark.stack

STACK_PROCESSES = {
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
}


def processes_of(home: Path) -> list[psutil.Process]:
    """Every live process started for the stack in ``home``, found from scratch (not from
    pid files): it runs inside the state dir or carries it in LEADGEN_HOME."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                continue
            if Path(proc.cwd()).is_relative_to(home) or (
                proc.environ().get("LEADGEN_HOME") == str(home)
            ):
                found.append(proc)
        except (psutil.Error, OSError):
            continue
    return found


def test_two_up_down_cycles_leave_no_process_and_no_state(
    tmp_path: Path, leadgen_cli: Callable[..., Any]
) -> None:
    home = tmp_path / "home"
    try:
        _cycle_twice(home, leadgen_cli)
    finally:  # a failed assertion must not leave a stack running
        leadgen_cli(home, "down")


def _cycle_twice(home: Path, leadgen_cli: Callable[..., Any]) -> None:
    for cycle in (1, 2):
        up = leadgen_cli(home, "up")
        assert up.returncode == 0, f"cycle {cycle}:\n{up.stdout}\n{up.stderr}"
        assert "stack ready in" in up.stdout
        if cycle == 1:
            again = leadgen_cli(home, "up")
            assert again.returncode == 0 and "already running" in again.stdout, again.stdout
        pids = {p.stem: int(p.read_text()) for p in (home / "run").glob("*.pid")}
        assert set(pids) == STACK_PROCESSES
        started = [psutil.Process(pid) for pid in pids.values()]
        assert len(processes_of(home)) >= len(started)

        down = leadgen_cli(home, "down")
        assert down.returncode == 0, f"cycle {cycle}:\n{down.stdout}\n{down.stderr}"
        # is_running() also compares the start time, so a recycled pid does not count.
        assert [p.pid for p in started if p.is_running()] == []
        assert processes_of(home) == []
        assert not home.exists()

    nothing = leadgen_cli(home, "down")
    assert nothing.returncode == 0 and "no stack running" in nothing.stdout


def _assert_failed_cleanly(home: Path, result: Any, *expected: str) -> None:
    assert result.returncode != 0, result.stdout
    for text in expected:
        assert text in result.stderr, result.stderr
    assert processes_of(home) == []
    assert not (home / "run").exists() and not (home / "pg").exists()
    assert (home / "logs" / "supervisor.log").is_file()  # kept to read why


def test_up_with_a_taken_port_names_the_server_and_leaves_nothing_running(
    tmp_path: Path, leadgen_cli: Callable[..., Any]
) -> None:
    home = tmp_path / "home"
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        # postgres starts after tansu and valkey: those must be stopped again.
        up = leadgen_cli(home, "up", env={"LEADGEN_POSTGRES_PORT": str(port)})
    _assert_failed_cleanly(home, up, "postgres failed to start", f"port {port}", "in use")
    assert leadgen_cli(home, "down").returncode == 0
    assert not home.exists()


def test_up_with_a_broker_that_exits_names_it_and_leaves_nothing_running(
    tmp_path: Path, leadgen_cli: Callable[..., Any]
) -> None:
    home = tmp_path / "home"
    up = leadgen_cli(home, "up", env={"LEADGEN_TANSU_BIN": "/bin/false"})
    _assert_failed_cleanly(home, up, "tansu failed to start", "exited with code 1")

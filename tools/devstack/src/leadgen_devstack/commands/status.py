"""`leadgen status`: each process with its pid, whether it is alive, ready, and its memory."""

from __future__ import annotations

import argparse
import asyncio

import psutil

from ..processes import owned_process, read_pid
from ..servers.probes import http_ok, tcp_open
from ..servers.services import origin, service_of
from ..state import StackState
from ._stack import PROCESS_ORDER, stack_paths


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("status", help="show each process: pid, alive, ready, memory")
    parser.set_defaults(handler=status)


def status(_: argparse.Namespace) -> int:
    paths = stack_paths()
    state = StackState.load(paths.state)
    if state is None:
        print(f"no stack running (no state in {paths.home})")
        return 1
    print(f"stack {paths.home}: {state.phase} {state.message}".rstrip())
    readiness = asyncio.run(_readiness(state))
    healthy = state.phase == "ready"
    total_rss = 0
    print(f"{'process':<12} {'pid':>8} {'alive':>6} {'ready':>6} {'rss MiB':>8}")
    for name in _ordered(state):
        pid = read_pid(paths.pid_file(name))
        proc = owned_process(pid, paths.home)
        rss = _rss(proc, with_children=name == "postgres")
        total_rss += rss
        ready = readiness.get(name, proc is not None)
        healthy = healthy and proc is not None and ready
        print(
            f"{name:<12} {pid or '-':>8} {_yes(proc is not None):>6} {_yes(ready):>6} "
            f"{rss / 2**20:>8.0f}"
        )
    print(f"{'total':<12} {'':>8} {'':>6} {'':>6} {total_rss / 2**20:>8.0f}")
    return 0 if healthy else 1


async def _readiness(state: StackState) -> dict[str, bool]:
    """Services: GET /readyz; sandbox: /healthz; infra: accepts a TCP connection."""
    probes = {}
    for name, port in state.ports.items():
        if service_of(name):
            probes[name] = http_ok(f"{origin(port)}/readyz")
        elif name == "sandbox":
            probes[name] = http_ok(f"{origin(port)}/healthz")
        else:
            probes[name] = tcp_open(port)
    results = await asyncio.gather(*probes.values())
    return dict(zip(probes, results, strict=True))


def _ordered(state: StackState) -> list[str]:
    """PROCESS_ORDER, each service followed by its extra replicas (scoring-2, ...)."""
    names = []
    for name in PROCESS_ORDER:
        names.append(name)
        names += sorted(n for n in state.ports if n != name and service_of(n) == name)
    return names


def _rss(proc: psutil.Process | None, *, with_children: bool) -> int:
    """Resident memory of a process, plus its children for postgres (its backends)."""
    if proc is None:
        return 0
    total = 0
    try:
        members = [proc, *proc.children(recursive=True)] if with_children else [proc]
        for member in members:
            total += member.memory_info().rss
    except psutil.Error:
        pass
    return total


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"

"""`leadgen run`: the sample-ICP campaign end to end on the embedded stack (`make run`).

Starts the stack unless one is already running (then it is left running), runs the
campaign over HTTP with a live progress bar, prints the leads, and stops what it started.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from leadgen_common.samples import sample_icp_path
from rich.console import Console

from ..config import DevstackSettings
from ..demo import GatewayClient, lead_table, print_summary, run_demo
from ..envfile import read_env
from ..paths import StatePaths
from ._stack import supervisor
from .down import down
from .up import up


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("run", help="run the sample-ICP campaign on the stack and show leads")
    parser.add_argument("--icp", type=Path, default=None, help="ICP JSON (default: sample ICP)")
    parser.add_argument("--max-prospects", type=int, default=300, help="campaign size")
    parser.add_argument("--keep", action="store_true", help="leave the stack running after")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    console = Console()
    paths = StatePaths(DevstackSettings().state_home())
    started_here = supervisor(paths) is None
    if up(args) != 0:
        return 1
    try:
        env = read_env(paths.stack_env)
        icp_path = args.icp or sample_icp_path()
        console.rule(f"sample campaign: {icp_path}")
        result = run_demo(
            env["GATEWAY_URL"],
            env["ADMIN_TOKEN"],
            icp_path=icp_path,
            max_prospects=args.max_prospects,
            console=console,
        )
        print_summary(result, console)
        client = GatewayClient(env["GATEWAY_URL"], env["ADMIN_TOKEN"])
        console.print(lead_table(client, result.campaign["id"]))
        _where_next(console, env, paths, keep=args.keep or not started_here)
        return 0 if result.campaign["status"] == "completed" else 1
    finally:
        if started_here and not args.keep:
            down(args)


def _where_next(console: Console, env: dict[str, str], paths: StatePaths, *, keep: bool) -> None:
    console.print("\n[bold]Where to look next[/]")
    console.print(f"  web console   {env['GATEWAY_URL']}/console (dev login: demo team)")
    console.print(f"  API docs      {env['GATEWAY_URL']}/docs (bearer token: ADMIN_TOKEN)")
    console.print(f"  metrics       {env['GATEWAY_METRICS_URL']} and the other *_METRICS_URL")
    console.print(f"  stack.env     {paths.stack_env}  logs: {paths.logs}")
    console.print("  contracts     docs/asyncapi.json   architecture: docs/architecture.md")
    if keep:
        console.print("  the stack keeps running: `make down` stops it")
    else:
        console.print("  `make up` keeps a stack running to explore; this one is stopped now")

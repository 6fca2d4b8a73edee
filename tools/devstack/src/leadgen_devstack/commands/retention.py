"""`leadgen retention run [--days N] [--now T]`: lead-writer's retention job against the
running stack — prospects not converted within RETENTION_DAYS (default 90) are deleted
(``python -m leadgen_lead_writer.retention``, as lead-writer's own database role; its
relay publishes the prospect.erased the job leaves in the outbox)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from ..envfile import read_env
from ..servers.services import db_url_key
from ._stack import stack_env, stack_paths


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("retention", help="data retention: run the job")
    verbs = parser.add_subparsers(dest="retention_verb", required=True)
    run_cmd = verbs.add_parser(
        "run", help="delete prospects not converted within RETENTION_DAYS (default 90)"
    )
    run_cmd.add_argument("--days", type=int, help="override RETENTION_DAYS")
    run_cmd.add_argument("--now", help="apply the rule as of this ISO time (default: now)")
    run_cmd.set_defaults(handler=run_retention)


def run_retention(args: argparse.Namespace) -> int:
    paths = stack_paths()
    stack_env(paths)  # exits with a hint when no stack runs
    database_url = read_env(paths.secrets)[db_url_key("lead-writer")]
    argv = [sys.executable, "-m", "leadgen_lead_writer.retention"]
    argv += ["--days", str(args.days)] if args.days is not None else []
    argv += ["--now", args.now] if args.now else []
    job = subprocess.run(
        argv,
        env={**os.environ, "DATABASE_URL": database_url, "ENVIRONMENT": "dev"},
        check=False,
    )
    return job.returncode

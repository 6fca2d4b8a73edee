"""`leadgen run`: the sample-ICP campaign end to end. Arrives with the pipeline issue."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("run", help="run the sample-ICP campaign (coming with the pipeline)")
    parser.set_defaults(handler=run)


def run(_: argparse.Namespace) -> int:
    print("leadgen run: coming with the pipeline (next issue); `leadgen up` starts the stack")
    return 0

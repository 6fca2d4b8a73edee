"""`leadgen bench`: the benchmark. Arrives with the pipeline issue."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("bench", help="run the benchmark (coming with the pipeline)")
    parser.set_defaults(handler=bench)


def bench(_: argparse.Namespace) -> int:
    print("leadgen bench: coming with the pipeline (next issue)")
    return 0

"""The `leadgen` command: parses the verb and hands over to its module in ``commands``."""

from __future__ import annotations

import argparse

from .commands import dlq, down, keys, retention, run, status, token, up

#: Each module registers its verb(s) with ``register(subparsers)``.
VERBS = (up, down, status, token, dlq, keys, retention, run)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leadgen",
        description="leadgen dev stack: state in $LEADGEN_HOME (default <repo>/.leadgen)",
    )
    sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb in VERBS:
        verb.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())

"""`leadgen token --team T --role R`: a bearer token (24 h) signed with the stack's secret."""

from __future__ import annotations

import argparse
from datetime import timedelta

from leadgen_common.auth import Role, issue_token
from leadgen_common.settings import ServiceSettings

from ..envfile import read_env
from ._stack import stack_paths, supervisor


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "token", help="print a bearer token for a team and role (the team is created on use)"
    )
    parser.add_argument("--team", required=True, help="team name, e.g. demo")
    parser.add_argument("--role", required=True, choices=[r.value for r in Role])
    parser.add_argument("--subject", help="token subject (default <role>@<team>)")
    parser.add_argument("--hours", type=float, default=24.0, help="validity (default 24)")
    parser.set_defaults(handler=token)


def token(args: argparse.Namespace) -> int:
    paths = stack_paths()
    if supervisor(paths) is None or not paths.secrets.is_file():
        raise SystemExit(f"no running stack at {paths.home}: run `leadgen up` first")
    secret = read_env(paths.secrets)["JWT_SECRET"]
    settings = ServiceSettings(jwt_secret=secret)
    print(
        issue_token(
            settings,
            team=args.team,
            role=args.role,
            subject=args.subject,
            ttl=timedelta(hours=args.hours),
        )
    )
    return 0

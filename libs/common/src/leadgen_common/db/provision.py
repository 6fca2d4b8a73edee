"""``python -m leadgen_common.db.provision``: the migration job of docker-compose and Kubernetes.

Migrates ``DATABASE_ADMIN_URL`` (the owner role) to head, then gives each login role the
password its ``DB_PASSWORD_<ROLE>`` variable holds (``DB_PASSWORD_GATEWAY``,
``DB_PASSWORD_LEAD_WRITER``, ``DB_PASSWORD_APP``, ...). A role whose variable is unset keeps
the password it has, so an operator who manages role passwords elsewhere sets none.

The database, its owner and the ``vector`` extension (superuser only) must exist first:
compose's Postgres init script makes them; on Kubernetes the database's operator does.
Safe to run again: the upgrade is a no-op at head and the passwords are simply set again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Mapping

from .migrate import upgrade
from .roles import ALL_ROLES, set_role_passwords

_ROLE_PREFIX = "leadgen_"


def password_variable(role: str) -> str:
    """``leadgen_lead_writer`` -> ``DB_PASSWORD_LEAD_WRITER``."""
    return "DB_PASSWORD_" + role.removeprefix(_ROLE_PREFIX).upper()


def role_passwords(env: Mapping[str, str]) -> dict[str, str]:
    """The roles whose password variable is set (and not empty) in ``env``."""
    return {
        role: env[password_variable(role)] for role in ALL_ROLES if env.get(password_variable(role))
    }


def provision(env: Mapping[str, str]) -> list[str]:
    """Upgrade, then set passwords; returns the roles whose password was set."""
    admin_url = env.get("DATABASE_ADMIN_URL")
    if not admin_url:
        raise SystemExit("DATABASE_ADMIN_URL is not set")
    upgrade(admin_url)
    passwords = role_passwords(env)
    if passwords:
        asyncio.run(set_role_passwords(admin_url, passwords))
    return sorted(passwords)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    roles = provision(os.environ)
    logging.info("migrated to head; passwords set for: %s", ", ".join(roles) or "no role")
    return 0


if __name__ == "__main__":
    sys.exit(main())

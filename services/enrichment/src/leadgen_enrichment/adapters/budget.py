"""Enrichment budgets in Redis: per team and calendar month (UTC), and per campaign.

A paid call first *reserves* its expected price from both budgets in one Lua script (so
replicas racing for the last cents cannot overspend together), then *settles* the
reservation to what the answer really cost (INCRBYFLOAT of the difference). Keys:
``enrichment:spent:team:{team}:{YYYY-MM}`` (expires after ~2 months) and
``enrichment:spent:campaign:{campaign}`` (expires after a year).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from redis.asyncio import Redis

PREFIX = "enrichment:spent"
TEAM_TTL_S = 62 * 24 * 3600
CAMPAIGN_TTL_S = 365 * 24 * 3600

# KEYS: team month, campaign. ARGV: team limit, campaign limit ("" = none), amount, ttls.
_RESERVE = """
local amount = tonumber(ARGV[3])
for i = 1, 2 do
  if ARGV[i] ~= '' then
    local spent = tonumber(redis.call('GET', KEYS[i]) or '0')
    if spent + amount > tonumber(ARGV[i]) + 1e-9 then return 0 end
  end
end
for i = 1, 2 do
  redis.call('INCRBYFLOAT', KEYS[i], ARGV[3])
  redis.call('EXPIRE', KEYS[i], ARGV[3 + i])
end
return 1
"""


def month_of(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m")


class RedisBudget:
    def __init__(
        self,
        redis: Redis,
        *,
        team_monthly: Decimal | None,
        per_campaign: Decimal | None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.redis = redis
        self.team_monthly = team_monthly
        self.per_campaign = per_campaign
        self.now = now
        self._reserve = redis.register_script(_RESERVE)

    def keys(self, team_id: str, campaign_id: uuid.UUID) -> list[str]:
        return [
            f"{PREFIX}:team:{team_id}:{month_of(self.now())}",
            f"{PREFIX}:campaign:{campaign_id}",
        ]

    async def reserve(self, team_id: str, campaign_id: uuid.UUID, amount: Decimal) -> bool:
        limits = [_arg(self.team_monthly), _arg(self.per_campaign)]
        args = [*limits, str(amount), TEAM_TTL_S, CAMPAIGN_TTL_S]
        return bool(await self._reserve(keys=self.keys(team_id, campaign_id), args=args))

    async def settle(
        self, team_id: str, campaign_id: uuid.UUID, reserved: Decimal, spent: Decimal
    ) -> None:
        if spent == reserved:
            return
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in self.keys(team_id, campaign_id):
                pipe.incrbyfloat(key, float(spent - reserved))
            await pipe.execute()

    async def spent(self, team_id: str, campaign_id: uuid.UUID) -> tuple[Decimal, Decimal]:
        values = await self.redis.mget(self.keys(team_id, campaign_id))
        return tuple(Decimal(v.decode() if isinstance(v, bytes) else v or "0") for v in values)


def _arg(limit: Decimal | None) -> str:
    return "" if limit is None else str(limit)

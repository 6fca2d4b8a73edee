"""A campaign's cost is the sum of its enrichment_log rows, through the projector on a real
Postgres: many prospects, every call status the enrichment service reports (paid success,
free cached hits, failed and rate-limited calls), sub-cent sandbox prices, redeliveries,
and two campaigns of one team enriching the same people."""

from __future__ import annotations

import random
from decimal import Decimal

from leadgen_common.contracts.events import ProviderCall
from leadgen_common.db import schema as s
from sqlalchemy import func, select

#: (provider, operation, price) as the sandbox prices them.
OPERATIONS = [
    ("clearbit", "company", "0.10"),
    ("clearbit", "person", "0.15"),
    ("hunter", "email_finder", "0.05"),
    ("hunter", "email_verifier", "0.01"),
    ("apollo", "people_match", "0.03"),
    ("linkedin", "profile", "0.005"),
]
STATUSES = ["success", "success", "success", "cached", "failed", "rate_limited"]


def random_calls(rng: random.Random) -> list[ProviderCall]:
    calls = []
    for _ in range(rng.randint(0, 5)):
        provider, operation, price = rng.choice(OPERATIONS)
        status = rng.choice(STATUSES)
        cost = Decimal(price) if status == "success" else Decimal(0)
        latency = round(rng.uniform(0.1, 400), 3)
        calls.append(
            ProviderCall(
                provider=provider, operation=operation, status=status, cost=cost,
                latency_ms=latency,
            )
        )  # fmt: skip
    return calls


async def ledger_sum(engine, campaign_id) -> Decimal:
    async with engine.connect() as conn:
        total = await conn.scalar(
            select(func.coalesce(func.sum(s.enrichment_log.c.cost), 0)).where(
                s.enrichment_log.c.campaign_id == campaign_id
            )
        )
    return Decimal(total)


async def cost_total(engine, campaign_id) -> Decimal:
    async with engine.connect() as conn:
        return await conn.scalar(
            select(s.campaign_progress.c.cost_total).where(
                s.campaign_progress.c.campaign_id == campaign_id
            )
        )


async def test_campaign_cost_equals_the_sum_of_its_ledger_rows(service, campaign):
    rng = random.Random(6)
    other = campaign.in_campaign()
    people = [f"person-{n}" for n in range(40)]
    expected = {campaign.campaign_id: Decimal(0), other.campaign_id: Decimal(0)}
    await service.send(campaign.started(), other.started())
    for rank, person in enumerate(people):
        for current in (campaign, other) if rank % 3 == 0 else (campaign,):
            calls = random_calls(rng)
            enriched = current.enriched(person, calls=calls, skipped=None if calls else "budget")
            expected[current.campaign_id] += sum((c.cost for c in calls), Decimal(0))
            # Enriched may arrive before discovered; a redelivery changes nothing.
            await service.send(enriched, current.discovered(person, rank))
            if rng.random() < 0.3:
                await service.send(enriched)

    for current in (campaign, other):
        total = await cost_total(service.engine, current.campaign_id)
        assert total == await ledger_sum(service.engine, current.campaign_id)
        assert total == expected[current.campaign_id]
    assert expected[campaign.campaign_id] > 0 and expected[other.campaign_id] > 0

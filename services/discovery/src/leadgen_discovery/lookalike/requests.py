"""What audience.lookalike_requested does: per platform, build the lookalike from the
ICP's best leads and record one audiences row, ready or failed.

A row's id is derived from (request, platform), so a redelivered command finds its rows
and builds nothing twice. A platform that refuses the seed or stays unavailable is
recorded as failed with the reason; the other platforms still go ahead.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from leadgen_common.contracts import Envelope, Platform
from leadgen_common.contracts.events import RequestLookalike
from leadgen_common.contracts.ids import NAMESPACE

from ..ports import PlatformUnavailable
from .ports import AudienceBuilder, AudienceStore, Lookalike, SeedRejected, SeedSource

logger = logging.getLogger(__name__)

READY, FAILED = "ready", "failed"
NO_SEED = "no lead of this ICP with an email has a match score at or above min_score"


def audience_id_for(request_id: uuid.UUID, platform: Platform) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"audience:{request_id}:{platform.value}")


class LookalikeRequests:
    def __init__(
        self,
        seeds: SeedSource,
        builders: Mapping[Platform, AudienceBuilder],
        store: AudienceStore,
    ) -> None:
        self.seeds = seeds
        self.builders = builders
        self.store = store

    async def handle(self, envelope: Envelope[Any]) -> None:
        command: RequestLookalike = envelope.payload
        request_id = command.request_id or envelope.event_id
        pending = [
            platform
            for platform in dict.fromkeys(command.platforms)
            if not await self.store.finished(audience_id_for(request_id, platform))
        ]
        if not pending:
            return
        hashes = await self.seeds.best_lead_hashes(
            envelope.team_id, command.icp_id, min_score=command.min_score, limit=command.limit
        )
        for platform in pending:
            row = await self._build(envelope, command, request_id, platform, hashes)
            await self.store.save(row)
            logger.info("lookalike %s on %s: %s", request_id, platform.value, row["status"])

    async def _build(
        self,
        envelope: Envelope[Any],
        command: RequestLookalike,
        request_id: uuid.UUID,
        platform: Platform,
        hashes: list[str],
    ) -> dict[str, Any]:
        definition: dict[str, Any] = {
            "request_id": str(request_id),
            "requested_by": command.requested_by,
            "min_score": command.min_score,
            "limit": command.limit,
            "seed_size": len(hashes),
        }
        row = {
            "id": audience_id_for(request_id, platform),
            "team_id": envelope.team_id,
            "icp_id": command.icp_id,
            "platform": platform.value,
            "definition": definition,
        }
        builder = self.builders.get(platform)
        if builder is None:
            return _failed(row, f"{platform.value} offers no lookalike audiences")
        if not hashes:
            return _failed(row, NO_SEED)
        try:
            built = await builder.build(f"leadgen {command.icp_id} {request_id}", hashes)
        except (SeedRejected, PlatformUnavailable) as exc:
            return _failed(row, str(exc))
        return _ready(row, built)


def _failed(row: dict[str, Any], reason: str) -> dict[str, Any]:
    row["definition"]["failure_reason"] = reason
    return {**row, "status": FAILED, "size": None}


def _ready(row: dict[str, Any], built: Lookalike) -> dict[str, Any]:
    row["definition"].update(
        seed_audience_id=built.seed_audience_id,
        lookalike_id=built.lookalike_id,
        size_lower=built.lower,
        size_upper=built.upper,
        failure_reason=None,
    )
    return {**row, "status": READY, "size": built.upper}

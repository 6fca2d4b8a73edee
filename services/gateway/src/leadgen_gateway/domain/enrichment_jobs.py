"""An on-demand enrichment job as GET /enrichment/jobs/{id} shows it (pure).

Two sources: the gateway's own audit entry of the request (the prospects asked for, in
order) and enrichment's job and item rows. Before enrichment has seen any command of the
job, the audit entry alone answers: ``queued``, every item pending.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

QUEUED = "queued"
PENDING = "pending"


@dataclass(frozen=True)
class JobItemView:
    prospect_id: uuid.UUID
    status: str
    error: str | None


@dataclass(frozen=True)
class JobView:
    job_id: uuid.UUID
    status: str
    total: int
    done: int
    failed: int
    items: list[JobItemView]


def requested_ids(details: Mapping[str, Any]) -> list[uuid.UUID]:
    """The prospects an audit entry of an enrichment request names."""
    return [uuid.UUID(str(pid)) for pid in details.get("prospectIds") or ()]


def job_view(
    job_id: uuid.UUID,
    requested: Sequence[uuid.UUID],
    job: Mapping[str, Any] | None,
    items: Iterable[Mapping[str, Any]],
) -> JobView:
    """``requested``: the prospects asked for (empty when the audit entry is unknown);
    ``job``/``items``: enrichment's rows (None / empty before it saw the job)."""
    finished = {row["prospect_id"]: row for row in items}
    order = list(requested) or list(job["prospect_ids"] if job else ())
    order += [pid for pid in finished if pid not in set(order)]
    views = [
        JobItemView(
            pid,
            finished[pid]["status"] if pid in finished else PENDING,
            finished[pid]["error"] if pid in finished else None,
        )
        for pid in order
    ]
    if job is None:
        return JobView(job_id, QUEUED, len(requested), 0, 0, views)
    return JobView(job_id, job["status"], job["total"], job["done"], job["failed"], views)

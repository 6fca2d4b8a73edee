"""enrichment_jobs and enrichment_job_items: on-demand jobs, written by this service only.

Each ``enrichment.requested`` opens its job (first command of the job creates it, status
``running``) and its item (``pending``), then finishes the item once: the update of the
item from ``pending`` and the job's counters commit together, so a redelivered command
counts nothing twice, and the job is ``completed`` as soon as done + failed == total.
"""

from __future__ import annotations

import uuid

from leadgen_common.contracts import PoisonMessage
from leadgen_common.db.schema import enrichment_job_items, enrichment_jobs
from sqlalchemy import and_, case, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from ..domain.on_demand import DONE, FAILED, PENDING

RUNNING, COMPLETED = "running", "completed"

_job, _item = enrichment_jobs.c, enrichment_job_items.c


class JobStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def open_item(
        self, job_id: uuid.UUID, team_id: uuid.UUID, prospect_id: uuid.UUID, total: int
    ) -> str:
        """Create the job and the item if absent; the item's status (pending unless an
        earlier delivery finished it). A job id of another team never applies."""
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(enrichment_jobs)
                .values(id=job_id, team_id=team_id, prospect_ids=[], total=total, status=RUNNING)
                .on_conflict_do_nothing(index_elements=[_job.id])
            )
            owner = (await conn.execute(select(_job.team_id).where(_job.id == job_id))).scalar_one()
            if owner != team_id:
                raise PoisonMessage("contract_violation", "the job belongs to another team")
            added = await conn.execute(
                insert(enrichment_job_items)
                .values(job_id=job_id, prospect_id=prospect_id, team_id=team_id, status=PENDING)
                .on_conflict_do_nothing(index_elements=[_item.job_id, _item.prospect_id])
                .returning(_item.status)
            )
            if added.first() is not None:
                await conn.execute(
                    update(enrichment_jobs)
                    .where(_job.id == job_id)
                    .values(
                        prospect_ids=func.array_append(_job.prospect_ids, prospect_id),
                        updated_at=func.now(),
                    )
                )
                return PENDING
            query = select(_item.status).where(_key(job_id, prospect_id))
            return (await conn.execute(query)).scalar_one()

    async def finish_item(
        self, job_id: uuid.UUID, prospect_id: uuid.UUID, status: str, error: str | None
    ) -> bool:
        """Mark a pending item done or failed and count it on its job; False (nothing
        changed) if it was finished already."""
        if status not in (DONE, FAILED):
            raise ValueError(f"an item finishes done or failed, not {status!r}")
        async with self.engine.begin() as conn:
            finished = await conn.execute(
                update(enrichment_job_items)
                .where(_key(job_id, prospect_id), _item.status == PENDING)
                .values(status=status, error=error, updated_at=func.now())
                .returning(_item.job_id)
            )
            if finished.first() is None:
                return False
            done, failed = int(status == DONE), int(status == FAILED)
            counted = _job.done + done + _job.failed + failed
            await conn.execute(
                update(enrichment_jobs)
                .where(_job.id == job_id)
                .values(
                    done=_job.done + done,
                    failed=_job.failed + failed,
                    status=case((counted >= _job.total, COMPLETED), else_=RUNNING),
                    updated_at=func.now(),
                )
            )
            return True


def _key(job_id: uuid.UUID, prospect_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return and_(_item.job_id == job_id, _item.prospect_id == prospect_id)

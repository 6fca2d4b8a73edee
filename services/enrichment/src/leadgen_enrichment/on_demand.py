"""On-demand enrichment of one prospect of a job (``enrichment.requested``).

1. Open the job and the item (``pending``); an item an earlier delivery finished is done.
2. Load the prospect as lead-writer holds it; unknown (to the team) or erased: the item
   fails with that reason.
3. Run the enricher as the user asked (providers, validateEmail; no campaign gates), the
   user's edited fields kept, what earlier enrichment found carried over.
4. If any provider was asked, publish ``prospect.enriched`` exactly as the campaign flow
   does (lead-writer projects it and logs the calls, scoring rescores) under an event id
   derived from the command's, so a redelivery that gets this far again is one event.
5. Finish the item: done, or failed with the reason (skipped, every provider failed, an
   unexpected error of the enricher).

Database or broker failures raise: the event bus retries the command, and the item stays
pending until a delivery finishes it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from leadgen_common.contracts import Envelope, reaction_to
from leadgen_common.contracts.events import ProspectEnriched, RequestEnrichment

from .adapters.jobs import JobStore
from .adapters.prospect_source import ProspectSource
from .domain.on_demand import FAILED, PENDING, Unavailable, carry_over, outcome, user_values
from .enrich import Ask, Enricher

logger = logging.getLogger(__name__)

Publish = Callable[[Envelope[Any]], Awaitable[None]]


def enriched_envelope(incoming: Envelope[RequestEnrichment], enriched: ProspectEnriched):
    """prospect.enriched caused by ``incoming``, its event id derived from the command's."""
    return reaction_to(incoming, enriched)


class OnDemandEnrichment:
    def __init__(
        self, enricher: Enricher, jobs: JobStore, prospects: ProspectSource, publish: Publish
    ) -> None:
        self.enricher = enricher
        self.jobs = jobs
        self.prospects = prospects
        self.publish = publish

    async def handle(self, envelope: Envelope[RequestEnrichment]) -> None:
        command = envelope.payload
        status = await self.jobs.open_item(
            command.job_id, envelope.team_id, command.prospect_id, command.job_total
        )
        if status != PENDING:
            logger.info("job item already %s; nothing to do", status)
            return
        status, error = await self._enrich(envelope)
        await self.jobs.finish_item(command.job_id, command.prospect_id, status, error)

    async def _enrich(self, envelope: Envelope[RequestEnrichment]) -> tuple[str, str | None]:
        command = envelope.payload
        try:
            snapshot = await self.prospects.load(envelope.team_id, command.prospect_id)
        except Unavailable as missing:
            return FAILED, missing.reason
        ask = Ask(providers=tuple(command.providers), validate_email=command.validate_email)
        try:
            enriched = await self.enricher.enrich(
                snapshot.as_discovered(), envelope.team_id, keep=user_values(snapshot), ask=ask
            )
        except Exception as exc:  # the item must end; the reason names the error's kind
            logger.warning("on-demand enrichment failed: %s", type(exc).__name__, exc_info=True)
            return FAILED, f"enrichment_error: {type(exc).__name__}"
        whole = carry_over(enriched.enrichment, snapshot.enrichment, snapshot.edited_fields)
        enriched = enriched.model_copy(update={"enrichment": whole})
        if enriched.provider_calls:
            await self.publish(enriched_envelope(envelope, enriched))
        return outcome(enriched)

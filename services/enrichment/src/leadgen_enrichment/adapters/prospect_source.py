"""A prospect as lead-writer holds it now, read through the enrichment role's SELECT grant:
the profile columns and profile_data, contact_info, enrichment_data and the user's edit
marks, plus its latest campaign (campaign_prospects, newest first) with that campaign's
options as the gateway recorded them (campaigns). Contact details are stored encrypted
(:mod:`leadgen_common.crypto`); the snapshot holds them in clear."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from leadgen_common.contracts.events import CampaignOptions, Enrichment, ProspectProfile
from leadgen_common.crypto import CONTACT_FIELDS, ENRICHMENT_FIELDS, FieldCipher
from leadgen_common.db.schema import campaign_prospects, campaigns, prospects
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from ..domain.on_demand import ERASED, UNKNOWN_PROSPECT, Snapshot, Unavailable

logger = logging.getLogger(__name__)

_p, _cp, _c = prospects.c, campaign_prospects.c, campaigns.c
#: profile_data keys that are ProspectProfile fields (what lead-writer stores there).
_PROFILE_DATA = ("industry", "summary", "skills", "activity")


def _latest_campaign(prospect_id: uuid.UUID, team_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return (
        select(_cp.campaign_id, _c.options)
        .select_from(campaign_prospects.outerjoin(campaigns, _c.id == _cp.campaign_id))
        .where(_cp.prospect_id == prospect_id, _cp.team_id == team_id)
        .order_by(_cp.discovered_at.desc(), _cp.campaign_id.desc())
        .limit(1)
    )


class ProspectSource:
    def __init__(self, engine: AsyncEngine, cipher: FieldCipher) -> None:
        self.engine = engine
        self.cipher = cipher

    async def load(self, team_id: uuid.UUID, prospect_id: uuid.UUID) -> Snapshot:
        """The prospect of ``team_id``; raises :class:`Unavailable` when it is unknown
        (to this team) or erased."""
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(prospects).where(_p.id == prospect_id, _p.team_id == team_id)
                )
            ).first()
            if row is None:
                raise Unavailable(UNKNOWN_PROSPECT)
            if row.erased_at is not None or not row.name:
                raise Unavailable(ERASED)
            campaign = (await conn.execute(_latest_campaign(prospect_id, team_id))).first()
        if campaign is None:  # every stored prospect was discovered by some campaign
            raise Unavailable(UNKNOWN_PROSPECT)
        where = {"team_id": row.team_id, "prospect_id": prospect_id}
        return Snapshot(
            prospect_id=prospect_id,
            profile=_profile(row),
            contact_info=self.cipher.reveal_fields(row.contact_info, CONTACT_FIELDS, **where),
            enrichment=_enrichment(
                self.cipher.reveal_fields(row.enrichment_data, ENRICHMENT_FIELDS, **where),
                prospect_id,
            ),
            edited_fields=frozenset(row.edited_fields or ()),
            campaign_id=campaign.campaign_id,
            options=_options(campaign.options),
        )


def _profile(row: Any) -> ProspectProfile:
    data = row.profile_data or {}
    return ProspectProfile(
        platform=row.platform,
        platform_profile_id=row.platform_profile_id,
        profile_url=row.profile_url or "",
        name=row.name,
        headline=row.headline,
        title=row.title,
        company_name=row.company_name,
        company_domain=row.company_domain,
        location=row.location,
        **{key: data[key] for key in _PROFILE_DATA if data.get(key) is not None},
    )


def _enrichment(data: dict[str, Any] | None, prospect_id: uuid.UUID) -> Enrichment:
    """What an earlier enrichment stored; nothing if it does not read as the contract."""
    try:
        return Enrichment.model_validate(data or {})
    except ValidationError:
        logger.warning(
            "stored enrichment_data unreadable; starting from nothing",
            extra={"fields": {"prospect_id": str(prospect_id)}},
        )
        return Enrichment()


def _options(options: dict[str, Any] | None) -> CampaignOptions:
    try:
        return CampaignOptions.model_validate(options or {})
    except ValidationError:
        return CampaignOptions()

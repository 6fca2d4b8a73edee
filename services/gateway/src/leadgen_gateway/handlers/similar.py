"""Semantic search (spec §5.2): the team's prospects nearest to an ICP, and "more like
this" for a prospect — searches of the team's whole pool of people, so only for roles
that see the whole team (view_all, view_team). Vectors are scoring's, searched where
scoring keeps them (pgvector by default, Pinecone when PINECONE_API_KEY is set:
``Gateway.vectors``): an ICP has one once a campaign started with it, a prospect once it
was scored; before that the answer is 409."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from ..adapters import icps as icp_repo
from ..adapters import vectors
from ..adapters.vectors import Basis, Similar
from ..deps import GatewayDep, TeamReader
from ..errors import ApiError, not_found
from ..schemas.common import error_responses
from ..schemas.similar import SimilarProspect, SimilarProspects

router = APIRouter(tags=["similar"], responses=error_responses(401, 403, 404, 409, 422))

SimilarLimit = Annotated[int, Query(ge=1, le=100, description="How many prospects (1-100).")]


def _page(basis: Basis, found: list[Similar]) -> SimilarProspects:
    return SimilarProspects(
        model=basis.model,
        items=[
            SimilarProspect(
                prospect_id=row.prospect_id,
                similarity=round(row.similarity, 4),
                platform=row.platform,
                name=row.name,
                title=row.title,
                company=row.company_name,
                location=row.location,
            )
            for row in found
        ],
    )


@router.get("/icps/{icp_id}/similar", response_model=SimilarProspects)
async def prospects_similar_to_icp(
    icp_id: uuid.UUID, gw: GatewayDep, who: TeamReader, limit: SimilarLimit = 10
) -> SimilarProspects:
    """The team's prospects whose profile text is nearest to the ICP's text (its vector as
    of the latest campaign started with it)."""
    async with gw.db.transaction(who) as conn:
        if await icp_repo.get(conn, who.team_id, icp_id) is None:
            raise not_found("icp")
    basis = await gw.vectors.icp_basis(who, icp_id)
    if basis is None:
        raise ApiError(
            409,
            "icp_not_embedded",
            "no campaign has started with this ICP yet, so it has no vector to compare with",
        )
    return _page(basis, await gw.vectors.nearest(who, basis, limit))


@router.get("/prospects/{prospect_id}/similar", response_model=SimilarProspects)
async def prospects_similar_to_prospect(
    prospect_id: uuid.UUID, gw: GatewayDep, who: TeamReader, limit: SimilarLimit = 10
) -> SimilarProspects:
    """More like this: the team's other prospects nearest to this one."""
    async with gw.db.transaction(who) as conn:
        if not await vectors.prospect_exists(conn, who.team_id, prospect_id):
            raise not_found("prospect")
    basis = await gw.vectors.prospect_basis(who, prospect_id)
    if basis is None:
        raise ApiError(
            409,
            "prospect_not_embedded",
            "this prospect has not been scored yet, so it has no vector to compare with",
        )
    return _page(basis, await gw.vectors.nearest(who, basis, limit, exclude=prospect_id))

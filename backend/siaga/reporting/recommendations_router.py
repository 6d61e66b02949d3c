from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Response

from siaga.auth.dependencies import AppSettings, CurrentActor, Reader
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.reporting import recommendations as service
from siaga.reporting.router import REPORT, PeriodPath, RegionPath
from siaga.reporting.schemas import (
    RecommendationCreate,
    RecommendationList,
    RecommendationRead,
    RecommendationUpdate,
)

router = APIRouter(tags=["recommendations"])

RecommendationId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The recommendation's id")]


@router.get(
    REPORT + "/recommendations",
    name="list",
    response_model=RecommendationList,
    responses=responses(401, 403, 404),
)
async def list_recommendations(
    session: DbSession,
    principal: Reader,
    settings: AppSettings,
    region: RegionPath,
    period: PeriodPath,
) -> RecommendationList:
    """The report's recommendations, then those of the Pemda's earlier reports not done
    yet (`carried`), each with `overdue`."""
    return await service.list_recommendations(session, principal, region, period, settings.timezone)


@router.post(
    REPORT + "/recommendations",
    name="create",
    status_code=201,
    response_model=RecommendationRead,
    responses=responses(401, 403, 404, 409, 422),
)
async def create_recommendation(
    session: DbSession,
    principal: Reader,
    actor: CurrentActor,
    settings: AppSettings,
    response: Response,
    region: RegionPath,
    period: PeriodPath,
    body: RecommendationCreate,
) -> RecommendationRead:
    """The coordinator of that Pemda (or an administrator over it) adds a recommendation
    while the report is a draft or returned and the period open."""
    created = await service.create(
        session, principal, actor, region, period, body, settings.timezone
    )
    response.headers["ETag"] = created.etag
    return created


@router.patch(
    "/recommendations/{recommendation_id}",
    name="update",
    response_model=RecommendationRead,
    responses=responses(401, 403, 404, 412, 422),
)
async def update_recommendation(
    session: DbSession,
    principal: Reader,
    actor: CurrentActor,
    settings: AppSettings,
    response: Response,
    recommendation_id: RecommendationId,
    body: RecommendationUpdate,
    if_match: Annotated[
        str | None,
        Header(max_length=200, description="The recommendation's ETag; checked when sent"),
    ] = None,
) -> RecommendationRead:
    """The follow-up: status and note, by the Pemda's coordinator (or an administrator
    over it) or an operator of the responsible agency, whatever the report's state."""
    updated = await service.follow_up(
        session, principal, actor, recommendation_id, body, if_match, settings.timezone
    )
    response.headers["ETag"] = updated.etag
    return updated

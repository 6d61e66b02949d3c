from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Header, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from siaga.auth.dependencies import AppSettings, CurrentActor, Reader
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.uploads import MIB
from siaga.evidence.dependencies import EvidenceStorage
from siaga.evidence.files import remove_orphan_object
from siaga.evidence.http import FILE_CONTENT, MULTIPART_BODY, file_response
from siaga.reporting import recommendation_evidence as evidence
from siaga.reporting import recommendations as service
from siaga.reporting.router import REPORT, PeriodPath, RegionPath
from siaga.reporting.schemas import (
    RecommendationCreate,
    RecommendationList,
    RecommendationRead,
    RecommendationUpdate,
)
from siaga.submissions.schemas import EvidenceRead

router = APIRouter(tags=["recommendations"])

RecommendationId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The recommendation's id")]
EvidenceIdPath = Annotated[str, Path(max_length=36, description="Evidence id (a UUID)")]
EVIDENCE = "/recommendations/{recommendation_id}/evidence"


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


@router.post(
    EVIDENCE,
    name="upload_evidence",
    status_code=201,
    response_model=EvidenceRead,
    responses=responses(401, 403, 404, 409, 413, 415, 507),
    openapi_extra=MULTIPART_BODY,
)
async def upload_recommendation_evidence(
    request: Request,
    session: DbSession,
    principal: Reader,
    actor: CurrentActor,
    settings: AppSettings,
    storage: EvidenceStorage,
    recommendation_id: RecommendationId,
) -> EvidenceRead:
    """Attach one file (multipart field `file`) to the follow-up, by whoever may follow it
    up, whatever the report's state: the types, size limit and errors of answer evidence."""
    return await evidence.upload(
        session,
        storage,
        principal,
        actor,
        recommendation_id,
        request.headers,
        request.stream(),
        settings.max_upload_mb * MIB,
    )


@router.get(
    EVIDENCE + "/{evidence_id}",
    name="download_evidence",
    response_class=StreamingResponse,
    responses={200: FILE_CONTENT, **responses(401, 403, 404)},
)
async def download_recommendation_evidence(
    session: DbSession,
    principal: Reader,
    storage: EvidenceStorage,
    recommendation_id: RecommendationId,
    evidence_id: EvidenceIdPath,
    inline: Annotated[
        bool, Query(description="Show PDF and images in the browser instead of saving")
    ] = False,
) -> StreamingResponse:
    """Download a file of a recommendation in the caller's scope."""
    download = await evidence.open_download(
        session, storage, principal, recommendation_id, evidence_id, inline=inline
    )
    return file_response(download)


@router.delete(
    EVIDENCE + "/{evidence_id}",
    name="delete_evidence",
    status_code=204,
    response_class=Response,
    responses=responses(401, 403, 404, 409),
)
async def delete_recommendation_evidence(
    request: Request,
    session: DbSession,
    principal: Reader,
    actor: CurrentActor,
    storage: EvidenceStorage,
    background: BackgroundTasks,
    recommendation_id: RecommendationId,
    evidence_id: EvidenceIdPath,
) -> Response:
    """Remove a file from the follow-up, by whoever may follow it up, while the
    recommendation is not done (409 `invalid_state`: reopen it first)."""
    deleted = await evidence.delete(session, principal, actor, recommendation_id, evidence_id)
    if deleted.orphan is not None:
        # Background tasks run after the session dependency has committed.
        background.add_task(
            remove_orphan_object,
            request.app.state.sessionmaker,
            storage,
            deleted.orphan.sha256,
            deleted.orphan.key,
        )
    return Response(status_code=204)

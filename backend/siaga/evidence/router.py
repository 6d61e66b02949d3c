from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from siaga.auth.dependencies import Answerer, AppSettings, CurrentActor, Reader
from siaga.core.csvstyle import CsvStyleQuery
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.uploads import MIB
from siaga.evidence import bundle, files, preview, service
from siaga.evidence.dependencies import EvidenceStorage
from siaga.evidence.http import DOWNLOAD_HEADERS, FILE_CONTENT, MULTIPART_BODY, file_response
from siaga.evidence.schemas import EvidencePages, EvidenceUploadRead
from siaga.submissions.service import Keys

router = APIRouter(tags=["evidence"])

PeriodPath = Annotated[str, Path(max_length=20, description="Period code, e.g. `2023-Q4`")]
RegionPath = Annotated[str, Path(max_length=20, description="Region code, e.g. `64.72`")]
IndicatorPath = Annotated[str, Path(max_length=40, description="Indicator code, e.g. `K1.01`")]
EvidenceIdPath = Annotated[str, Path(max_length=36, description="Evidence id (a UUID)")]
PagePath = Annotated[int, Path(ge=1, le=100_000, description="Page number, from 1")]

# A page image drawn here, and the ZIP: shown as <img> or saved, never framed.
_IMAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "private, no-store",
}
_PNG = {"description": "The page as a PNG image", "content": {"image/png": {}}}
_ZIP = {
    "description": "A ZIP: the files in a folder per indicator, and manifest.csv",
    "content": {bundle.MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
}


@router.post(
    "/submissions/{period}/{region}/{indicator}/evidence",
    name="upload",
    status_code=201,
    response_model=EvidenceUploadRead,
    responses=responses(401, 403, 404, 409, 413, 415, 507),
    openapi_extra=MULTIPART_BODY,
)
async def upload_evidence(
    request: Request,
    response: Response,
    session: DbSession,
    principal: Answerer,
    actor: CurrentActor,
    settings: AppSettings,
    storage: EvidenceStorage,
    period: PeriodPath,
    region: RegionPath,
    indicator: IndicatorPath,
) -> EvidenceUploadRead:
    """Attach one file (multipart field `file`) to a draft or returned answer; an answer
    not started yet is created as an empty draft with it."""
    result = await service.upload(
        session,
        storage,
        principal,
        actor,
        Keys(period=period, region=region, indicator=indicator),
        request.headers,
        request.stream(),
        settings.max_upload_mb * MIB,
    )
    response.headers["ETag"] = result.answer_etag
    return result


@router.get(
    "/evidence/{evidence_id}",
    name="download",
    response_class=StreamingResponse,
    responses={200: FILE_CONTENT, **responses(401, 403, 404)},
)
async def download_evidence(
    session: DbSession,
    principal: Reader,
    storage: EvidenceStorage,
    evidence_id: EvidenceIdPath,
    inline: Annotated[
        bool, Query(description="Show PDF and images in the browser instead of saving")
    ] = False,
) -> StreamingResponse:
    """Download an evidence file of an answer in the caller's scope."""
    download = await service.open_download(session, storage, principal, evidence_id, inline=inline)
    return file_response(download)


@router.delete(
    "/evidence/{evidence_id}",
    name="delete",
    status_code=204,
    response_class=Response,
    responses=responses(401, 403, 404, 409),
)
async def delete_evidence(
    request: Request,
    session: DbSession,
    principal: Answerer,
    actor: CurrentActor,
    storage: EvidenceStorage,
    background: BackgroundTasks,
    evidence_id: EvidenceIdPath,
) -> Response:
    """Remove an evidence file from a draft or returned answer."""
    deleted = await service.delete(session, principal, actor, evidence_id)
    if deleted.orphan is not None:
        # Background tasks run after the session dependency has committed.
        background.add_task(
            files.remove_orphan_object,
            request.app.state.sessionmaker,
            storage,
            deleted.orphan.sha256,
            deleted.orphan.key,
        )
    return Response(status_code=204, headers={"ETag": deleted.answer_etag})


@router.get(
    "/evidence/{period}/{region}.zip",
    name="bundle",
    response_class=StreamingResponse,
    responses={200: _ZIP, **responses(401, 403, 404)},
)
async def evidence_zip(
    session: DbSession,
    principal: Reader,
    actor: CurrentActor,
    storage: EvidenceStorage,
    period: PeriodPath,
    region: RegionPath,
    style: CsvStyleQuery,
) -> StreamingResponse:
    """Every evidence file of the Pemda's answers for the period that the caller may read,
    as one ZIP streamed as it is written: a folder per indicator, and `manifest.csv`
    (indicator, agency, file in the ZIP, original name, size, SHA-256, type, upload time
    in UTC, uploader, and `ok` or `missing` when the stored file has gone) in the CSV
    style of `locale`. Recorded in the audit trail as `evidence.export`."""
    result = await bundle.bundle(
        session,
        storage,
        principal,
        actor,
        period_code=period,
        region_code=region,
        style=style,
    )
    return StreamingResponse(
        result.chunks,
        media_type=bundle.MEDIA_TYPE,
        headers={
            **DOWNLOAD_HEADERS,
            "Content-Disposition": f'attachment; filename="{result.filename}"',
        },
    )


@router.get(
    "/evidence/{evidence_id}/pages",
    name="pages",
    response_model=EvidencePages,
    responses=responses(401, 403, 404),
)
async def evidence_pages(
    session: DbSession, principal: Reader, storage: EvidenceStorage, evidence_id: EvidenceIdPath
) -> EvidencePages:
    """How many pages a PDF evidence file has, for its page images; 404
    `evidence_preview_unavailable` for other types and PDFs that cannot be read."""
    count = await preview.page_count(session, storage, principal, evidence_id)
    return EvidencePages(count=count)


@router.get(
    "/evidence/{evidence_id}/pages/{page}",
    name="page_image",
    response_class=Response,
    responses={200: _PNG, **responses(401, 403, 404)},
)
async def evidence_page_image(
    session: DbSession,
    principal: Reader,
    storage: EvidenceStorage,
    evidence_id: EvidenceIdPath,
    page: PagePath,
) -> Response:
    """One page of a PDF evidence file drawn as a PNG (at most 1240 x 1754 pixels), to show
    it on any screen; 404 `evidence_page_not_found` past the last page."""
    image = await preview.page_image(session, storage, principal, evidence_id, page)
    return Response(
        image.png,
        media_type="image/png",
        headers={**_IMAGE_HEADERS, "X-Page-Count": str(image.pages)},
    )

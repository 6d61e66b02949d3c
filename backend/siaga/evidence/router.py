from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from siaga.auth.dependencies import Answerer, AppSettings, CurrentActor, Reader
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.filetypes import FILE_TYPES
from siaga.core.uploads import FILE_FIELD, MIB
from siaga.evidence import service
from siaga.evidence.dependencies import EvidenceStorage
from siaga.evidence.schemas import EvidenceUploadRead
from siaga.submissions.service import Keys

router = APIRouter(tags=["evidence"])

PeriodPath = Annotated[str, Path(max_length=20, description="Period code, e.g. `2023-Q4`")]
RegionPath = Annotated[str, Path(max_length=20, description="Region code, e.g. `64.72`")]
IndicatorPath = Annotated[str, Path(max_length=40, description="Indicator code, e.g. `K1.01`")]
EvidenceIdPath = Annotated[str, Path(max_length=36, description="Evidence id (a UUID)")]

# The body is parsed by hand (streamed, never buffered), so FastAPI cannot describe it.
_MULTIPART_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_FIELD],
                    "properties": {
                        FILE_FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": "PDF, JPEG, PNG, XLSX, DOCX or ODT; "
                            "the type is decided by the content",
                        }
                    },
                }
            }
        },
    }
}
_FILE_CONTENT = {
    "description": "The file's bytes",
    "content": {
        file_type.content_type: {"schema": {"type": "string", "format": "binary"}}
        for file_type in FILE_TYPES
    }
    # Files that reached the database some other way (imports, copies) of another type.
    | {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}
# The file is served from our origin: never let a browser guess a type (an HTML
# polyglot would run as our page) or run anything if it renders it.
_DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, no-store",
}


@router.post(
    "/submissions/{period}/{region}/{indicator}/evidence",
    name="upload",
    status_code=201,
    response_model=EvidenceUploadRead,
    responses=responses(401, 403, 404, 409, 413, 415, 507),
    openapi_extra=_MULTIPART_BODY,
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
    """Attach one file (multipart field `file`) to a draft or returned answer."""
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
    responses={200: _FILE_CONTENT, **responses(401, 403, 404)},
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
    return StreamingResponse(
        download.chunks,
        media_type=download.content_type,
        headers={
            **_DOWNLOAD_HEADERS,
            "Content-Length": str(download.size),
            "Content-Disposition": download.disposition,
        },
    )


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
    if deleted.orphan_sha256 is not None and deleted.orphan_key is not None:
        # Background tasks run after the session dependency has committed.
        background.add_task(
            service.remove_orphan_object,
            request.app.state.sessionmaker,
            storage,
            deleted.orphan_sha256,
            deleted.orphan_key,
        )
    return Response(status_code=204, headers={"ETag": deleted.answer_etag})

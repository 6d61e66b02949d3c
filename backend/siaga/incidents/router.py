from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BeforeValidator
from starlette.convertors import Convertor, register_url_convertor

from siaga.auth.dependencies import AppSettings, CurrentActor, Reader
from siaga.core.csvstyle import CsvStyleQuery
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.params import RegionCodeQuery
from siaga.core.uploads import FILE_FIELD, MIB
from siaga.evidence.dependencies import EvidenceStorage
from siaga.evidence.http import INLINE_HEADERS
from siaga.exports.http import documented, download
from siaga.incidents import export, files, service, views
from siaga.incidents.repository import Filters
from siaga.incidents.rules import NUMBER_PATTERN
from siaga.incidents.schemas import (
    IncidentCounts,
    IncidentCreate,
    IncidentEscalate,
    IncidentFileUpload,
    IncidentPage,
    IncidentRead,
    IncidentUpdate,
)
from siaga.models import IncidentCategory, IncidentSeverity, IncidentState

router = APIRouter(tags=["incidents"])
exports_router = APIRouter(prefix="/exports", tags=["exports"])


class _IncidentNumber(Convertor[str]):
    """`{number:incident_number}`: a number such as `LC/64.72/2026/0001`, whose slashes
    reach the route either as they are or percent-encoded (the server decodes `%2F`
    before routing), so scripts may paste the number and generated clients may encode
    it."""

    regex = NUMBER_PATTERN

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("incident_number", _IncidentNumber())
INCIDENT = "/incidents/{number:incident_number}"

NumberPath = Annotated[
    str,
    Path(
        description="The incident's number, e.g. `LC/64.72/2026/0001`: send it with its "
        "slashes as they are (`/incidents/LC/64.72/2026/0001`) or percent-encoded "
        "(`/incidents/LC%2F64.72%2F2026%2F0001`); both name the same incident"
    ),
]
AllQuery = Annotated[
    bool,
    Query(
        alias="all",
        description="National callers: every incident, not only the provinces' own and "
        "those escalated to the Ministry (ignored for other scopes)",
    ),
]
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_day(value: object) -> object:
    # Pydantic would read a number ("0") as seconds since 1970: a mistake, not a day.
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError("expected an ISO 8601 date, e.g. 2024-02-14")
    return value


DayQuery = Annotated[
    date | None,
    BeforeValidator(_iso_day),
    Query(description="Day it happened (YYYY-MM-DD), in the region's zone"),
]

# The body is parsed by hand (streamed, never buffered), as for answers' evidence.
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
                            "description": "A photo (JPEG, PNG) or a document (PDF, XLSX, "
                            "DOCX, ODT); the type is decided by the content",
                        }
                    },
                }
            }
        },
    }
}
_DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "private, no-store",
}
_FILE_CONTENT = {
    "description": "The file's bytes",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


def _filters(
    region: RegionCodeQuery = None,
    state: Annotated[list[IncidentState] | None, Query()] = None,
    severity: Annotated[list[IncidentSeverity] | None, Query()] = None,
    category: Annotated[list[IncidentCategory] | None, Query()] = None,
    since: DayQuery = None,
    until: DayQuery = None,
    overdue: Annotated[
        bool | None, Query(description="Only (true) or none (false) of the overdue ones")
    ] = None,
    all_: AllQuery = False,
) -> Filters:
    return Filters(
        region=region,
        states=state or [],
        severities=severity or [],
        categories=category or [],
        since=since,
        until=until,
        overdue=overdue,
        all=all_,
    )


ListFilters = Annotated[Filters, Depends(_filters)]


@router.post(
    "/incidents",
    name="create",
    status_code=201,
    response_model=IncidentRead,
    responses=responses(401, 403, 422),
)
async def create_incident(
    session: DbSession,
    principal: Reader,
    actor: CurrentActor,
    settings: AppSettings,
    response: Response,
    body: IncidentCreate,
) -> IncidentRead:
    """File a quick incident report for one's own Pemda (its coordinator, an operator of
    its Kesbangpol) or one in an administrator's scope: it gets its number
    (`LC/<region>/<year>/<sequence>`) and starts `reported`."""
    incident = await service.create(session, principal, actor, body, default_zone=settings.timezone)
    response.headers["Location"] = f"/api/v1/incidents/{incident.number}"
    return incident


@router.get("/incidents", name="list", response_model=IncidentPage, responses=responses(401, 403))
async def list_incidents(
    session: DbSession,
    principal: Reader,
    settings: AppSettings,
    page: Pagination,
    filters: ListFilters,
) -> IncidentPage:
    """Incidents in the caller's scope, newest first: a Pemda's own, a province's
    regencies' and cities', the Ministry's provinces' own and those escalated to it
    (`all=true`: every one)."""
    return await views.list_incidents(
        session, principal, page, filters, default_zone=settings.timezone
    )


@router.get(
    "/incidents/summary",
    name="summary",
    response_model=IncidentCounts,
    responses=responses(401, 403),
)
async def incident_summary(
    session: DbSession, principal: Reader, filters: ListFilters
) -> IncidentCounts:
    """Counts in scope per Pemda x severity x state (with the overdue ones), for the
    map, and per month x category, for a region's page."""
    return await views.counts(session, principal, filters)


@router.get(INCIDENT, name="get", response_model=IncidentRead, responses=responses(401, 403, 404))
async def get_incident(
    session: DbSession,
    principal: Reader,
    settings: AppSettings,
    number: NumberPath,
    all_: AllQuery = False,
) -> IncidentRead:
    """One incident with its timeline (times in UTC; `time_zone` is the region's), its
    files, and what the caller may do next (`allowed`)."""
    return await views.get_incident(
        session, principal, number, all_=all_, default_zone=settings.timezone
    )


@router.post(
    INCIDENT + "/updates",
    name="update",
    response_model=IncidentRead,
    responses=responses(401, 403, 404, 409, 422),
)
async def update_incident(
    session: DbSession,
    principal: Reader,
    actor: CurrentActor,
    settings: AppSettings,
    number: NumberPath,
    body: IncidentUpdate,
) -> IncidentRead:
    """A step with its note (reported -> acknowledged -> handling -> resolved -> closed;
    resolved -> handling reopens), or a note alone; 409 `invalid_state` for any other
    step."""
    return await service.update(
        session, principal, actor, number, body, default_zone=settings.timezone
    )


@router.post(
    INCIDENT + "/escalate",
    name="escalate",
    response_model=IncidentRead,
    responses=responses(401, 403, 404, 409, 422),
)
async def escalate_incident(
    session: DbSession,
    principal: Reader,
    actor: CurrentActor,
    settings: AppSettings,
    number: NumberPath,
    body: IncidentEscalate,
) -> IncidentRead:
    """Raise an open incident to the next level (the province, then the Ministry) with a
    reason; 409 `escalation_at_top` once it is with the Ministry."""
    return await service.escalate(
        session, principal, actor, number, body, default_zone=settings.timezone
    )


@router.post(
    INCIDENT + "/evidence",
    name="upload",
    status_code=201,
    response_model=IncidentFileUpload,
    responses=responses(401, 403, 404, 409, 413, 415, 507),
    openapi_extra=_MULTIPART_BODY,
)
async def upload_incident_file(
    request: Request,
    session: DbSession,
    principal: Reader,
    actor: CurrentActor,
    settings: AppSettings,
    storage: EvidenceStorage,
    number: NumberPath,
    keep_location: Annotated[
        bool,
        Query(
            description="Keep the photo's embedded location (EXIF GPS); by default it is "
            "removed, with the rest of its metadata, before the photo is stored"
        ),
    ] = False,
) -> IncidentFileUpload:
    """Attach a photo or document (multipart field `file`), under the rules of answers'
    evidence (size limit, type by content); not to a closed incident."""
    return await files.upload(
        session,
        storage,
        principal,
        actor,
        number,
        request.headers,
        request.stream(),
        limit=settings.max_upload_mb * MIB,
        keep_location=keep_location,
        default_zone=settings.timezone,
    )


@router.get(
    INCIDENT + "/evidence/{file_id}",
    name="download",
    response_class=StreamingResponse,
    responses={200: _FILE_CONTENT, **responses(401, 403, 404)},
)
async def download_incident_file(
    session: DbSession,
    principal: Reader,
    settings: AppSettings,
    storage: EvidenceStorage,
    number: NumberPath,
    file_id: Annotated[str, Path(max_length=36, description="The file's id (a UUID)")],
    inline: Annotated[bool, Query(description="Show PDF and images in the browser")] = False,
    all_: AllQuery = False,
) -> StreamingResponse:
    """A file of an incident the caller may see."""
    got = await files.open_download(
        session,
        storage,
        principal,
        number,
        file_id,
        inline=inline,
        all_=all_,
        default_zone=settings.timezone,
    )
    shown = got.disposition.startswith("inline")
    return StreamingResponse(
        got.chunks,
        media_type=got.content_type,
        headers={
            **(INLINE_HEADERS if shown else _DOWNLOAD_HEADERS),
            "Content-Length": str(got.size),
            "Content-Disposition": got.disposition,
        },
    )


@exports_router.get(
    "/incidents.csv",
    name="incidents_csv",
    response_class=StreamingResponse,
    responses=documented("csv", 401, 403),
)
async def export_incidents_csv(
    request: Request,
    session: DbSession,
    principal: Reader,
    settings: AppSettings,
    filters: ListFilters,
    style: CsvStyleQuery,
) -> StreamingResponse:
    """Incidents in scope with the list's filters as CSV, streamed (times in UTC)."""
    result = await export.export(
        session,
        request.app.state.sessionmaker,
        principal,
        filters,
        fmt="csv",
        default_zone=settings.timezone,
        style=style,
    )
    return download(result)


@exports_router.get(
    "/incidents.xlsx",
    name="incidents_xlsx",
    response_class=StreamingResponse,
    responses=documented("xlsx", 401, 403),
)
async def export_incidents_xlsx(
    request: Request,
    session: DbSession,
    principal: Reader,
    settings: AppSettings,
    filters: ListFilters,
) -> StreamingResponse:
    """Incidents in scope with the list's filters as an Excel workbook."""
    result = await export.export(
        session,
        request.app.state.sessionmaker,
        principal,
        filters,
        fmt="xlsx",
        default_zone=settings.timezone,
    )
    return download(result)

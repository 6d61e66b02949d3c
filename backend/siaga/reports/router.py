from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from siaga.auth.dependencies import AppSettings, Reader
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.periods.dependencies import PeriodInPath
from siaga.reports import service
from siaga.scoring.schemas import View

router = APIRouter(prefix="/reports", tags=["reports"])

RegionPath = Annotated[str, Path(max_length=20, description="Region code, e.g. `64` or `64.72`")]
_PDF = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


@router.get(
    "/{region}/{period}.pdf",
    name="pdf",
    response_class=Response,
    responses={
        200: {"description": "The report as PDF", "content": _PDF},
        **responses(401, 403, 404),
    },
)
async def report_pdf(
    session: DbSession,
    principal: Reader,
    settings: AppSettings,
    region: RegionPath,
    period: PeriodInPath,
    view: Annotated[View, Query(description="official: verified answers only")] = "official",
) -> Response:
    """The quarterly monitoring report of a province or a Pemda, as an A4 PDF in Indonesian."""
    report = await service.report(
        session,
        principal,
        region_code=region,
        period=period,
        view=view,
        timezone=settings.timezone,
    )
    return Response(
        report.content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{report.filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )

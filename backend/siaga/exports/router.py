from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from siaga.auth.dependencies import Reader
from siaga.core.csvstyle import RFC4180, CsvStyle, CsvStyleQuery
from siaga.core.deps import DbSession
from siaga.core.params import RegionCodeQuery
from siaga.exports import service
from siaga.exports.http import documented, download
from siaga.exports.service import Format, SubmissionFilters
from siaga.models import SubmissionStatus
from siaga.periods.dependencies import PeriodInQuery
from siaga.scoring.schemas import View

router = APIRouter(prefix="/exports", tags=["exports"])

ViewQuery = Annotated[View, Query(description="official: verified answers only")]
CodeQuery = Annotated[str | None, Query(max_length=40)]
AgencyQuery = Annotated[str | None, Query(max_length=80)]
StatusQuery = Annotated[list[SubmissionStatus] | None, Query()]


# The query parameters after `period` are read by dependencies declared after the period's:
# FastAPI documents a route's own parameters before its dependencies', and `period` comes
# first in the published document.


@dataclass(frozen=True, slots=True)
class ScoreOptions:
    region: str | None
    view: View


def _score_options(region: RegionCodeQuery = None, view: ViewQuery = "official") -> ScoreOptions:
    return ScoreOptions(region, view)


Options = Annotated[ScoreOptions, Depends(_score_options)]


def _submission_filters(
    region: RegionCodeQuery = None,
    indicator: CodeQuery = None,
    agency: AgencyQuery = None,
    status: StatusQuery = None,
    late: bool | None = None,
) -> SubmissionFilters:
    return SubmissionFilters(region, indicator, agency, status or [], late)


Filters = Annotated[SubmissionFilters, Depends(_submission_filters)]


def _no_csv_style() -> CsvStyle:
    return RFC4180


# A workbook has no delimiter or decimal sign to choose: its routes take no `locale`.
_XlsxStyle = Annotated[CsvStyle, Depends(_no_csv_style)]


# One route per format (the format is in the path, so each has its own documented media
# type); the handlers differ only in `fmt`, so they are made here rather than written twice.
def _register(kind: str, fmt: Format, endpoint: Callable[..., Any], doc: str) -> None:
    endpoint.__doc__ = doc
    if fmt == "xlsx":
        endpoint.__annotations__["style"] = _XlsxStyle
    router.add_api_route(
        f"/{kind}.{fmt}",
        endpoint,
        methods=["GET"],
        name=f"{kind}_{fmt}",
        response_class=StreamingResponse,
        responses=documented(fmt, 401, 403, 404),
    )


def _scores_route(fmt: Format, doc: str) -> None:
    async def export_scores(
        session: DbSession,
        principal: Reader,
        period: PeriodInQuery,
        options: Options,
        style: CsvStyleQuery,
    ) -> StreamingResponse:
        export = await service.scores(
            session,
            principal,
            period=period,
            region_code=options.region,
            view=options.view,
            fmt=fmt,
            style=style,
        )
        return download(export)

    _register("scores", fmt, export_scores, doc)


def _submissions_route(fmt: Format, doc: str) -> None:
    async def export_submissions(
        request: Request,
        session: DbSession,
        principal: Reader,
        period: PeriodInQuery,
        filters: Filters,
        style: CsvStyleQuery,
    ) -> StreamingResponse:
        export = await service.submissions(
            session,
            request.app.state.sessionmaker,
            principal,
            period=period,
            filters=filters,
            fmt=fmt,
            style=style,
        )
        return download(export)

    _register("submissions", fmt, export_submissions, doc)


_scores_route("csv", "Readiness of every Pemda in the region's subtree as CSV (UTF-8).")
_scores_route("xlsx", "Readiness of every Pemda in the region's subtree as an Excel workbook.")
_submissions_route(
    "csv", "Every answer of the period in the caller's scope as CSV, streamed row by row."
)
_submissions_route("xlsx", "Every answer of the period in the caller's scope as an Excel workbook.")

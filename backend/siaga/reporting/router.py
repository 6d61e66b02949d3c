from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.convertors import StringConvertor, register_url_convertor

from siaga.audit.service import Actor
from siaga.auth.dependencies import AppSettings, CurrentActor, Reader
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.params import RegionCodeQuery
from siaga.core.security import Principal
from siaga.models import ReportState
from siaga.reporting import rules, service
from siaga.reporting.schemas import ReportPage, ReportRead, ReportReason, ReportWrite

router = APIRouter(tags=["reports"])

RegionPath = Annotated[str, Path(max_length=20, description="The Pemda's region code")]
PeriodPath = Annotated[str, Path(max_length=20, description="Period code, e.g. `2023-Q4`")]
IfMatch = Annotated[
    str | None,
    Header(
        max_length=200,
        description="The report's ETag: required to change a written report (428 without "
        "it, 412 when stale); optional on the transitions, checked when sent",
    ),
]


class _PeriodCode(StringConvertor):
    """A path segment that is not the quarterly PDF's `{period}.pdf`: so that PUT or POST
    on the PDF's path answers 405 rather than reaching a report route with a period
    code of `2024-Q1.pdf`."""

    regex = r"[^/]+(?<!\.pdf)"


register_url_convertor("report_period", _PeriodCode())
REPORT = "/reports/{region}/{period:report_period}"


def _with_etag(response: Response, report: ReportRead) -> ReportRead:
    response.headers["ETag"] = report.etag
    response.headers["Cache-Control"] = "no-cache"
    return report


@router.get("/reports", name="list", response_model=ReportPage, responses=responses(401, 403))
async def list_reports(
    session: DbSession,
    principal: Reader,
    settings: AppSettings,
    page: Pagination,
    period: Annotated[str | None, Query(max_length=20)] = None,
    region: RegionCodeQuery = None,
    state: Annotated[list[ReportState] | None, Query()] = None,
) -> ReportPage:
    """Pemda reports written so far, in the caller's scope (a coordinator's or an
    operator's own Pemda)."""
    return await service.list_reports(
        session,
        principal,
        page,
        period=period,
        region=region,
        states=state or [],
        timezone=settings.timezone,
    )


@router.get(REPORT, name="get", response_model=ReportRead, responses=responses(401, 403, 404))
async def get_report(
    session: DbSession,
    principal: Reader,
    settings: AppSettings,
    response: Response,
    region: RegionPath,
    period: PeriodPath,
) -> ReportRead:
    """One report with its answers' completeness and history; an unwritten report reads
    as an empty draft (version 0)."""
    report = await service.get_report(
        session, principal, region, period, timezone=settings.timezone
    )
    return _with_etag(response, report)


@router.put(
    REPORT,
    name="put",
    response_model=ReportRead,
    responses=responses(401, 403, 404, 409, 412, 422, 428),
)
async def put_report(
    session: DbSession,
    principal: Reader,
    actor: CurrentActor,
    settings: AppSettings,
    response: Response,
    region: RegionPath,
    period: PeriodPath,
    body: ReportWrite,
    if_match: IfMatch = None,
) -> ReportRead:
    """The coordinator of that Pemda (or an administrator over it) writes the draft; only
    a draft or returned report changes. 201 when this created it."""
    report, created = await service.put_report(
        session, principal, actor, region, period, body, if_match, timezone=settings.timezone
    )
    if created:
        response.status_code = 201
    return _with_etag(response, report)


@dataclass(frozen=True, slots=True)
class _Transition:
    """What every transition route takes, bound once (a dependency), so that each route
    says only its action and, where it has one, the reason."""

    session: AsyncSession
    principal: Principal
    actor: Actor
    timezone: str
    region: str
    period: str
    if_match: str | None

    async def take(
        self, response: Response, action: rules.Action, reason: str | None = None
    ) -> ReportRead:
        report = await service.transition(
            self.session,
            self.principal,
            self.actor,
            self.region,
            self.period,
            action,
            self.if_match,
            reason=reason,
            timezone=self.timezone,
        )
        return _with_etag(response, report)


async def _transition(
    session: DbSession,
    principal: Reader,
    actor: CurrentActor,
    settings: AppSettings,
    region: RegionPath,
    period: PeriodPath,
    if_match: IfMatch = None,
) -> _Transition:
    return _Transition(session, principal, actor, settings.timezone, region, period, if_match)


Transition = Annotated[_Transition, Depends(_transition)]


@router.post(
    REPORT + "/submit",
    name="submit",
    response_model=ReportRead,
    responses=responses(401, 403, 404, 409, 412, 422),
)
async def submit_report(call: Transition, response: Response) -> ReportRead:
    """draft/returned -> submitted: needs every applicable answer submitted or verified
    (409 answers_incomplete) and, for a province, every regency and city report accepted
    (409 reports_pending). The first submission gives the receipt and `late`."""
    return await call.take(response, "submit")


@router.post(
    REPORT + "/accept",
    name="accept",
    response_model=ReportRead,
    responses=responses(401, 403, 404, 409, 412),
)
async def accept_report(call: Transition, response: Response) -> ReportRead:
    """submitted -> accepted, by a verifier exactly one level up; locks the Pemda's
    answers for the period (their writers answer 409 report_accepted)."""
    return await call.take(response, "accept")


@router.post(
    REPORT + "/return",
    name="return",
    response_model=ReportRead,
    responses=responses(401, 403, 404, 409, 412, 422),
)
async def return_report(call: Transition, response: Response, body: ReportReason) -> ReportRead:
    """submitted -> returned to the coordinator, with a reason."""
    return await call.take(response, "return", body.reason)


@router.post(
    REPORT + "/unaccept",
    name="unaccept",
    response_model=ReportRead,
    responses=responses(401, 403, 404, 409, 412, 422),
)
async def unaccept_report(call: Transition, response: Response, body: ReportReason) -> ReportRead:
    """accepted -> submitted, with a reason; refused while the report one level up is
    accepted."""
    return await call.take(response, "unaccept", body.reason)

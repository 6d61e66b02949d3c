from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor
from siaga.auth.dependencies import (
    Answerer,
    AppSettings,
    CurrentActor,
    Reader,
    Reviewer,
)
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.params import RegionCodeQuery
from siaga.core.security import Capability, Principal
from siaga.core.settings import Settings
from siaga.models import SubmissionStatus
from siaga.submissions import copying, lists, service, transitions
from siaga.submissions.schemas import (
    BulkVerifyRequest,
    BulkVerifyResult,
    CopyPreviousRequest,
    CopyPreviousResult,
    HistoryRead,
    ReasonBody,
    ReviewQueuePage,
    SubmissionPage,
    SubmissionRead,
    SubmissionWrite,
    TaskPage,
)
from siaga.submissions.service import Keys
from siaga.submissions.workflow import ACTIONS, TRANSITIONS, Action

router = APIRouter(tags=["submissions"])

PeriodPath = Annotated[str, Path(max_length=20, description="Period code, e.g. `2023-Q4`")]
RegionPath = Annotated[str, Path(max_length=20, description="Region code, e.g. `64.72`")]
IndicatorPath = Annotated[str, Path(max_length=40, description="Indicator code, e.g. `K1.01`")]
_IF_MATCH = "if-match"
_IF_MATCH_MAX_LENGTH = 200
# PUT creates an answer without it, so there it is documented as optional.
IfMatchToEdit = Annotated[
    str | None,
    Header(
        max_length=_IF_MATCH_MAX_LENGTH,
        description="The answer's ETag: required to change an existing answer (428 "
        "without it, 412 when stale); omit it, or send `*`, to create the answer",
    ),
]
# The transitions always need it, but the service answers its absence (428, after the
# answer is found and the caller may act on it), so FastAPI reads it as optional (its
# own check would be a 422 before all that) and the document declares it required.
IfMatch = Annotated[str | None, Header(max_length=_IF_MATCH_MAX_LENGTH, include_in_schema=False)]


def _if_match_required() -> dict[str, Any]:
    # A fresh dict per route: FastAPI puts it into the document as it is.
    return {
        "parameters": [
            {
                "name": _IF_MATCH,
                "in": "header",
                "required": True,
                "description": "The answer's ETag (428 without it, 412 when stale)",
                "schema": {"type": "string", "maxLength": _IF_MATCH_MAX_LENGTH},
            }
        ]
    }


CodeQuery = Annotated[str | None, Query(max_length=40)]
ANSWER = "/submissions/{period}/{region}/{indicator}"


def _keys(period: PeriodPath, region: RegionPath, indicator: IndicatorPath) -> Keys:
    return Keys(period=period, region=region, indicator=indicator)


# The natural key of one answer, from the path of every route under ANSWER.
AnswerKeys = Annotated[Keys, Depends(_keys)]


def _with_etag(response: Response, answer: SubmissionRead) -> SubmissionRead:
    response.headers["ETag"] = answer.etag
    response.headers["Cache-Control"] = "no-cache"
    return answer


@router.get(
    "/submissions", name="list", response_model=SubmissionPage, responses=responses(401, 403)
)
async def list_submissions(
    session: DbSession,
    principal: Reader,
    page: Pagination,
    period: CodeQuery = None,
    region: RegionCodeQuery = None,
    indicator: CodeQuery = None,
    agency: Annotated[str | None, Query(max_length=80)] = None,
    status: Annotated[list[SubmissionStatus] | None, Query()] = None,
    late: bool | None = None,
    order: Literal["code", "oldest"] = "code",
) -> SubmissionPage:
    """Answers in the caller's scope; `order=oldest&status=submitted` is the review queue."""
    return await lists.list_answers(
        session,
        principal,
        page,
        period=period,
        region=region,
        indicator=indicator,
        agency=agency,
        statuses=status or [],
        late=late,
        oldest_first=order == "oldest",
    )


@router.get(
    "/review-queue",
    name="review_queue",
    response_model=ReviewQueuePage,
    responses=responses(401, 403),
)
async def review_queue(
    session: DbSession,
    principal: Reviewer,
    page: Pagination,
    period: Annotated[
        str | None, Query(max_length=20, description="One period, closed ones included")
    ] = None,
    include_closed: Annotated[
        bool, Query(description="Also closed and planned periods when no `period` is given")
    ] = False,
    region: RegionCodeQuery = None,
    agency: Annotated[str | None, Query(max_length=80)] = None,
    dimension: CodeQuery = None,
    indicator: CodeQuery = None,
    older_than_days: Annotated[
        int | None, Query(ge=0, le=3650, description="Submitted at least this many days ago")
    ] = None,
) -> ReviewQueuePage:
    """Submitted answers in open periods (all periods with `include_closed=true`), oldest
    submission first, with how many wait per Pemda."""
    return await lists.review_queue(
        session,
        principal,
        page,
        period=period,
        include_closed=include_closed,
        region=region,
        agency=agency,
        dimension=dimension,
        indicator=indicator,
        older_than_days=older_than_days,
    )


@router.get("/tasks", name="tasks", response_model=TaskPage, responses=responses(401, 403, 404))
async def list_tasks(
    session: DbSession,
    principal: Reader,
    settings: AppSettings,
    page: Pagination,
    period: Annotated[str, Query(max_length=20)],
    region: RegionCodeQuery = None,
    status: Literal["not_started", "draft", "submitted", "verified", "returned"] | None = None,
    overdue: Annotated[
        bool | None, Query(description="Only overdue tasks (true) or only the others (false)")
    ] = None,
) -> TaskPage:
    """What each Pemda in scope has to answer in a period, and where each answer stands."""
    return await lists.list_tasks(
        session,
        principal,
        page,
        period_code=period,
        region=region,
        status=status,
        overdue=overdue,
        timezone=settings.timezone,
    )


@router.get(ANSWER, name="get", response_model=SubmissionRead, responses=responses(401, 403, 404))
async def get_submission(
    session: DbSession,
    principal: Reader,
    response: Response,
    keys: AnswerKeys,
) -> SubmissionRead:
    """One answer with its evidence and last review; the ETag header guards changes."""
    answer = await service.get_answer(session, principal, keys)
    return _with_etag(response, answer)


@router.put(
    ANSWER,
    name="put",
    response_model=SubmissionRead,
    responses={
        201: {"model": SubmissionRead, "description": "Created"},
        **responses(401, 403, 404, 409, 412, 428),
    },
)
async def put_submission(
    session: DbSession,
    principal: Answerer,
    actor: CurrentActor,
    response: Response,
    keys: AnswerKeys,
    data: SubmissionWrite,
    if_match: IfMatchToEdit = None,
) -> SubmissionRead:
    """Create the draft answer (201), or change a draft or returned one (If-Match required)."""
    answer, created = await service.put_answer(session, principal, actor, keys, data, if_match)
    if created:
        response.status_code = 201
    return _with_etag(response, answer)


_TRANSITION_RESPONSES = responses(401, 403, 404, 409, 412, 428)
_PRINCIPAL_OF = {Capability.ANSWER: Answerer, Capability.REVIEW: Reviewer}
_DESCRIPTIONS: dict[Action, str] = {
    "submit": "Send a draft or returned answer for verification.",
    "verify": "Accept a submitted answer; it is then locked until a verifier reopens it.",
    "return": "Send a submitted answer back to the agency with the reason to fix it.",
    "reopen": "Unlock a verified answer (it becomes returned), with the reason.",
}


def _transition_endpoint(action: Action) -> Callable[..., Awaitable[SubmissionRead]]:
    """The route of one transition, its parameters read from the workflow's rule: the
    principal its capability asks for, and the reason's body where it needs one."""
    rule = TRANSITIONS[action]

    async def endpoint(
        session: AsyncSession,
        principal: Principal,
        actor: Actor,
        settings: Settings,
        response: Response,
        keys: Keys,
        if_match: str | None = None,
        body: ReasonBody | None = None,
    ) -> SubmissionRead:
        answer = await transitions.transition(
            session,
            principal,
            actor,
            keys,
            action,
            if_match,
            reason=body.reason if body is not None else None,
            timezone=settings.timezone,
        )
        return _with_etag(response, answer)

    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter("session", keyword, annotation=DbSession),
        inspect.Parameter("principal", keyword, annotation=_PRINCIPAL_OF[rule.capability]),
        inspect.Parameter("actor", keyword, annotation=CurrentActor),
        inspect.Parameter("settings", keyword, annotation=AppSettings),
        inspect.Parameter("response", keyword, annotation=Response),
        inspect.Parameter("keys", keyword, annotation=AnswerKeys),
    ]
    if rule.needs_reason:
        parameters.append(inspect.Parameter("body", keyword, annotation=ReasonBody))
    parameters.append(inspect.Parameter("if_match", keyword, annotation=IfMatch, default=None))
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        parameters, return_annotation=SubmissionRead
    )
    endpoint.__name__ = f"{action}_submission"
    return endpoint


for _action in ACTIONS:
    router.post(
        f"{ANSWER}/{_action}",
        name=_action,
        description=_DESCRIPTIONS[_action],
        response_model=SubmissionRead,
        responses=_TRANSITION_RESPONSES,
        openapi_extra=_if_match_required(),
    )(_transition_endpoint(_action))


@router.get(
    ANSWER + "/history",
    name="history",
    response_model=HistoryRead,
    responses=responses(401, 403, 404),
)
async def submission_history(
    session: DbSession,
    principal: Reader,
    keys: AnswerKeys,
) -> HistoryRead:
    """Every version of the answer: who changed what, when, and why."""
    return await service.history(session, principal, keys)


@router.post(
    "/submissions/verify-bulk",
    name="verify_bulk",
    response_model=BulkVerifyResult,
    responses=responses(401, 403),
)
async def verify_bulk(
    session: DbSession,
    principal: Reviewer,
    actor: CurrentActor,
    settings: AppSettings,
    body: BulkVerifyRequest,
) -> BulkVerifyResult:
    """Verify many submitted answers at once; each item reports its own outcome."""
    return await transitions.bulk_verify(session, principal, actor, body.items, settings.timezone)


@router.post(
    "/submissions/copy-previous",
    name="copy_previous",
    response_model=CopyPreviousResult,
    responses=responses(401, 403, 404, 409),
)
async def copy_previous(
    session: DbSession, principal: Answerer, actor: CurrentActor, body: CopyPreviousRequest
) -> CopyPreviousResult:
    """Start this period's drafts from last period's verified answers (evidence referenced)."""
    return await copying.copy_previous(session, principal, actor, body.period, body.region)

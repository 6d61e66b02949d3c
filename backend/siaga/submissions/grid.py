"""Answer query fragments that other packages' repositories build on (the one way
they reach the answers' tables besides the submissions service), above all the
(Pemda x indicator) grid: every indicator a period asks of every Pemda it applies
to, with that Pemda's answer when there is one. Tasks, scores, reports and exports all
start from it, so what "applies" means is decided here once (scoring.md: an indicator
that does not apply to the region's level is left out)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, and_, func, literal, or_, select

from siaga.core.security import Principal
from siaga.models import (
    Agency,
    AnswerComment,
    CommentReadMark,
    EvidenceFile,
    Indicator,
    Period,
    Region,
    RegionLevel,
    Review,
    Role,
    Submission,
    SubmissionStatus,
)
from siaga.regions.repository import subtree_filter


def applies_to_region() -> ColumnElement[bool]:
    """The indicator applies to the region's level."""
    return or_(
        and_(Region.level == RegionLevel.PROVINCE, Indicator.applies_province),
        and_(Region.level == RegionLevel.REGENCY, Indicator.applies_regency),
        and_(Region.level == RegionLevel.CITY, Indicator.applies_city),
    )


def answer_grid(*columns: Any, answers: FromClause | None = None) -> Select[Any]:
    """SELECT columns FROM Period x its framework's Indicators x the Regions they apply to,
    LEFT JOIN the answers (Submission, or a subquery/CTE with period_id, region_id and
    indicator_id columns). Callers add the WHERE: which periods, which regions."""
    table: Any = Submission.__table__ if answers is None else answers
    return (
        select(*columns)
        .select_from(Period)
        .join(Indicator, Indicator.framework_id == Period.framework_id)
        .join(Region, applies_to_region())
        .outerjoin(
            table,
            and_(
                table.c.period_id == Period.id,
                table.c.region_id == Region.id,
                table.c.indicator_id == Indicator.id,
            ),
        )
    )


def scope_conditions(principal: Principal) -> list[ColumnElement[bool]]:
    """What the caller may see, on Region and Indicator: its subtree; for an operator,
    its own Pemda and only the indicators its agency type answers; for a coordinator,
    every answer of its own Pemda, none of the regions below it."""
    conditions: list[ColumnElement[bool]] = []
    if principal.role == Role.OPERATOR:
        conditions.append(Region.code == principal.region_code)
        conditions.append(Indicator.agency_type_id == principal.agency_type_id)
    elif principal.role == Role.COORDINATOR:
        # A coordinator always has a region (users.service); were it missing, this
        # compares with NULL and shows nothing.
        conditions.append(Region.code == principal.region_code)
    elif principal.region_code is not None:
        conditions.append(subtree_filter(principal.region_code))
    return conditions


def reviewable_conditions(principal: Principal) -> list[ColumnElement[bool]]:
    """The answers the caller may review, on Region: those strictly below its scope (the
    SQL form of workflow.check_separation), so the review queue offers none that the
    workflow would refuse."""
    if principal.region_code is None:
        return []
    return [Region.code != principal.region_code]


def answer_filters(
    *,
    region: str | None = None,
    indicator: str | None = None,
    agency: str | None = None,
    statuses: Sequence[SubmissionStatus] = (),
    late: bool | None = None,
) -> list[ColumnElement[bool]]:
    """The answer list's filters (region subtree, indicator, agency, states, lateness) on
    Region, Indicator, Agency and Submission: the list and its export select the same."""
    conditions: list[ColumnElement[bool]] = []
    if region is not None:
        conditions.append(subtree_filter(region))
    if indicator is not None:
        conditions.append(Indicator.code == indicator)
    if agency is not None:
        conditions.append(Agency.code == agency)
    if statuses:
        conditions.append(Submission.status.in_(statuses))
    if late is not None:
        conditions.append(Submission.is_late.is_(late))
    return conditions


def evidence_count() -> Any:
    """How many evidence files the answer of the enclosing query has (a correlated count)."""
    return (
        select(func.count(EvidenceFile.id))
        .where(EvidenceFile.submission_id == Submission.id)
        .correlate(Submission)
        .scalar_subquery()
    )


def last_review_reason() -> Any:
    """The reason of the answer's latest review: why it was returned or reopened (NULL if
    verified), for the answer of the enclosing query."""
    return (
        select(Review.reason)
        .where(Review.submission_id == Submission.id)
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(1)
        .correlate(Submission)
        .scalar_subquery()
    )


def unread_comments(user_id: int | None, period_id: int) -> Any:
    """How many messages on the thread of the enclosing query's (Region, Indicator) in the
    period others wrote since the user last opened it (a correlated count, so a whole
    task list is one statement). 0 for a caller that is not a user (API keys read no
    threads)."""
    if user_id is None:
        return literal(0)
    mark = and_(
        CommentReadMark.user_id == user_id,
        CommentReadMark.period_id == AnswerComment.period_id,
        CommentReadMark.region_id == AnswerComment.region_id,
        CommentReadMark.indicator_id == AnswerComment.indicator_id,
    )
    return (
        select(func.count(AnswerComment.id))
        .select_from(AnswerComment)
        .outerjoin(CommentReadMark, mark)
        .where(
            AnswerComment.period_id == period_id,
            AnswerComment.region_id == Region.id,
            AnswerComment.indicator_id == Indicator.id,
            or_(AnswerComment.author_user_id.is_(None), AnswerComment.author_user_id != user_id),
            AnswerComment.id > func.coalesce(CommentReadMark.last_comment_id, 0),
        )
        .correlate(Region, Indicator)
        .scalar_subquery()
    )

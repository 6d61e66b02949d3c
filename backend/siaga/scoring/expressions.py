"""SQL expressions of scoring.md that every score statement shares: the indicator score s,
which answers count in a view, shares as percentages, and subtree filters on region codes.

The report's aggregates use `indicator_score` too, so a report cannot disagree with the
scores it sits next to.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, and_, case, cast, func, literal

from siaga.models import AnswerType, Indicator, Submission, SubmissionStatus
from siaga.scoring.schemas import View

ANSWERED = (SubmissionStatus.SUBMITTED, SubmissionStatus.VERIFIED)


def _counts(view: View, status: Any) -> ColumnElement[bool]:
    """Whether an answer's value counts in the view (otherwise s = 0)."""
    if view == "official":
        return status == SubmissionStatus.VERIFIED  # type: ignore[no-any-return]
    return status.in_(ANSWERED)  # type: ignore[no-any-return]


def indicator_score(view: View, value: Any = None, status: Any = None) -> ColumnElement[float]:
    """s (0..100) by answer type; 0 for answers that do not count in the view.

    `value` and `status` default to the submissions table's columns; a query over a
    subquery of answers passes that subquery's.
    """
    value = Submission.value if value is None else value
    status = Submission.status if status is None else status
    number = cast(value, Float)
    raw = case(
        (Indicator.answer_type == AnswerType.LEVEL, number * 25.0),
        (Indicator.answer_type == AnswerType.YES_NO, number * 100.0),
        (Indicator.answer_type == AnswerType.PERCENT, number),
        else_=case(
            (number >= Indicator.target, literal(100.0, Float)),
            else_=number * 100.0 / Indicator.target,
        ),
    )
    return case((and_(_counts(view, status), value.is_not(None)), raw), else_=0.0)


def share(numerator: Any, denominator: Any) -> ColumnElement[float | None]:
    """numerator / denominator as a percentage, NULL when the denominator is 0."""
    return case(
        (denominator > 0, cast(numerator, Float) * 100.0 / cast(denominator, Float)),
        else_=None,
    )


def count_in(column: Any, *statuses: SubmissionStatus) -> ColumnElement[int]:
    """How many rows of the group have one of `statuses` in `column`."""
    # FILTER rather than sum(CASE ...): PostgreSQL skips the rows instead of adding zeros.
    return func.count().filter(column.in_(statuses))


def subtree_pattern(code: str) -> str:
    """LIKE pattern for the descendants of `code`, its wildcards escaped with '/'."""
    escaped = code.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"{escaped}.%"


def region_params(scope_code: str | None, region_code: str | None) -> dict[str, str]:
    """The bound values of the region filters of a cached score statement."""
    params: dict[str, str] = {}
    if scope_code is not None:
        params |= {"scope_code": scope_code, "scope_pattern": subtree_pattern(scope_code)}
    if region_code is not None:
        params |= {"region_code": region_code, "region_pattern": subtree_pattern(region_code)}
    return params

"""D per (period, Pemda, dimension) as a CTE, the part of the score table statement
(`table_repository.pemda_select`) that reads the answers, and the shape that decides
which SQL a request needs.

D = sum(w * s) / sum(w): the numerator is a GROUP BY over the existing answers (an
unanswered indicator adds 0), the denominator depends only on the region level, so no
(Pemda x indicator) grid is built here (bench/RESULTS.md, "Read only the answers").
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Float,
    and_,
    bindparam,
    case,
    cast,
    func,
    or_,
    select,
)
from sqlalchemy.sql.selectable import CTE

from siaga.models import Indicator, Period, Region, RegionLevel, Submission, SubmissionStatus
from siaga.scoring.expressions import ANSWERED, count_in, indicator_score
from siaga.scoring.schemas import View
from siaga.submissions.grid import applies_to_region


class Shape(NamedTuple):
    """What makes two score statements different SQL; the rest are bound values.

    Statements are built once per shape and reused (`table_repository.pemda_select`):
    building the CTEs costs more Python time than PostgreSQL takes to run the query for
    a province.
    """

    view: View
    dimension_ids: tuple[int, ...]
    previous: bool
    scope: bool
    region: bool
    only_region: bool


def _bound_region_filters(regions: Any, shape: Shape) -> list[ColumnElement[bool]]:
    """The caller's scope and the requested region (a subtree, or exactly one Pemda),
    their codes bound as parameters (see `region_params`)."""
    conditions = []
    if shape.scope:
        conditions.append(
            or_(
                regions.code == bindparam("scope_code"),
                regions.code.like(bindparam("scope_pattern"), escape="/"),
            )
        )
    if shape.region:
        exact = regions.code == bindparam("region_code")
        conditions.append(
            exact
            if shape.only_region
            else or_(exact, regions.code.like(bindparam("region_pattern"), escape="/"))
        )
    return conditions


PERIOD_IDS = "period_ids"


def _period_ids() -> BindParameter[Any]:
    return bindparam(PERIOD_IDS, expanding=True)


_LEVEL_FLAGS = (
    (RegionLevel.PROVINCE, Indicator.applies_province),
    (RegionLevel.REGENCY, Indicator.applies_regency),
    (RegionLevel.CITY, Indicator.applies_city),
)


def _dimension_totals() -> CTE:
    """Per (period, dimension) and region level: sum of weights and number of the
    indicators that apply. The denominators of D and of completeness depend only on the
    level, so they are computed once per level instead of once per Pemda."""
    columns: list[Any] = []
    for level, applies in _LEVEL_FLAGS:
        columns.append(func.sum(case((applies, cast(Indicator.weight, Float)))).label(f"w_{level}"))
        columns.append(func.sum(case((applies, 1), else_=0)).label(f"n_{level}"))
    return (
        select(Period.id.label("period_id"), Indicator.dimension_id, *columns)
        .join(Indicator, Indicator.framework_id == Period.framework_id)
        .where(Period.id.in_(_period_ids()))
        .group_by(Period.id, Indicator.dimension_id)
        .cte("dimension_totals")
    )


def _answer_sums(shape: Shape) -> CTE:
    """Per (period, Pemda, dimension): sum(w * s) and the status counts of the answers of
    applicable indicators. Unanswered indicators add 0 to sum(w * s) and nothing to the
    counts, so only existing answers are read; no (Pemda x indicator) grid is built."""
    answered = count_in(Submission.status, *ANSWERED)
    return (
        select(
            Submission.period_id,
            Submission.region_id,
            Indicator.dimension_id,
            func.sum(cast(Indicator.weight, Float) * indicator_score(shape.view)).label("ws"),
            answered.label("answered"),
            count_in(Submission.status, SubmissionStatus.VERIFIED).label("verified"),
            count_in(Submission.status, SubmissionStatus.SUBMITTED).label("submitted"),
            count_in(Submission.status, SubmissionStatus.DRAFT).label("draft"),
            count_in(Submission.status, SubmissionStatus.RETURNED).label("returned"),
            func.count().filter(Submission.first_submitted_at.is_not(None)).label("ever_submitted"),
            func.count()
            .filter(Submission.first_submitted_at.is_not(None), Submission.is_late.is_(False))
            .label("timely"),
        )
        .join(Indicator, Indicator.id == Submission.indicator_id)
        .join(Period, Period.id == Submission.period_id)
        .join(Region, Region.id == Submission.region_id)
        .where(
            Submission.period_id.in_(_period_ids()),
            Indicator.framework_id == Period.framework_id,
            applies_to_region(),
            *_bound_region_filters(Region, shape),
        )
        .group_by(Submission.period_id, Submission.region_id, Indicator.dimension_id)
        .cte("answer_sums")
    )


def _for_level(totals: CTE, prefix: str) -> ColumnElement[Any]:
    return case(
        *(
            (Region.level == level, totals.c[f"{prefix}_{level}"])
            for level in (RegionLevel.PROVINCE, RegionLevel.REGENCY)
        ),
        else_=totals.c[f"{prefix}_{RegionLevel.CITY}"],
    )


def dimensions_cte(shape: Shape) -> CTE:
    """One row per (period, Pemda, dimension with an applicable indicator): D and counts.

    D = sum(w * s) / sum(w): the numerator from the answers, the denominator from the
    level's applicable indicators (scoring.md), so an unanswered indicator counts as 0.
    """
    totals = _dimension_totals()
    sums = _answer_sums(shape)
    weight_total = _for_level(totals, "w")
    applicable = _for_level(totals, "n")
    return (
        select(
            totals.c.period_id,
            Region.id.label("region_id"),
            totals.c.dimension_id,
            (func.coalesce(sums.c.ws, 0.0) / weight_total).label("score"),
            applicable.label("applicable"),
            *(
                func.coalesce(sums.c[name], 0).label(name)
                for name in (
                    "answered",
                    "verified",
                    "submitted",
                    "draft",
                    "returned",
                    "ever_submitted",
                    "timely",
                )
            ),
        )
        .select_from(totals)
        .join(
            Region,
            and_(applicable > 0, *_bound_region_filters(Region, shape)),
        )
        .outerjoin(
            sums,
            and_(
                sums.c.period_id == totals.c.period_id,
                sums.c.region_id == Region.id,
                sums.c.dimension_id == totals.c.dimension_id,
            ),
        )
        .cte("dimension_scores")
    )

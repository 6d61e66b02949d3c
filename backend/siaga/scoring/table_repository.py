"""The score table statement: one row per (period, Pemda) with R, each D, counts,
completeness, verification, timeliness, category, rank and R of the previous period, as
SQL aggregations (scoring.md), never loops over answers in Python.

D = sum(w * s) / sum(w): the numerator is a GROUP BY over the existing answers (an
unanswered indicator adds 0), the denominator depends only on the region level, so no
(Pemda x indicator) grid is built here (bench/RESULTS.md, "Read only the answers").
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Float,
    Numeric,
    Select,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import CTE

from siaga.models import (
    CategoryThreshold,
    Dimension,
    Indicator,
    Period,
    Region,
    RegionLevel,
    Submission,
    SubmissionStatus,
)
from siaga.scoring.expressions import ANSWERED, count_in, indicator_score, region_params, share
from siaga.scoring.schemas import View
from siaga.submissions.grid import applies_to_region


class PemdaScoreRow(NamedTuple):
    """One Pemda's numbers in one period, as `PemdaScore` and the trend take them.

    A named tuple, made from the statement's columns in their order (`pemda_select`
    selects them in this order), so the national table's 552 rows cost no more than
    the dictionaries they replace.
    """

    period: str
    region: str
    name: str
    level: RegionLevel
    parent: str | None
    readiness: float
    category: str | None
    applicable: int
    answered: int
    verified: int
    submitted: int
    draft: int
    returned: int
    completeness: float
    verification_rate: float | None
    timeliness: float | None
    rank: int
    previous_readiness: float | None
    dimensions: dict[str, float]


class Shape(NamedTuple):
    """What makes two score statements different SQL; the rest are bound values.

    Statements are built once per shape and reused (`_statement`): building the CTEs
    costs more Python time than PostgreSQL takes to run the query for a province.
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


_PERIOD_IDS = "period_ids"


def _period_ids() -> BindParameter[Any]:
    return bindparam(_PERIOD_IDS, expanding=True)


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


_FIXED_COLUMNS = list(PemdaScoreRow._fields[:-1])


@lru_cache(maxsize=64)
def pemda_select(shape: Shape) -> Select[*tuple[Any, ...]]:
    """One row per (period, Pemda) of the periods bound as `period_ids` (minus the one
    bound as `previous_period_id`, if the shape has one): R, each D (columns `d_<id>`),
    counts, completeness, verification, timeliness, category, rank within its level, and
    R of the previous period, ordered by period and code.

    Dimension scores are pivoted into columns (the framework's dimensions are known before
    the query), so a whole table is one statement and one row per Pemda. Cached per shape:
    requests only bind values (see `pemda_scores`).
    """
    dims = dimensions_cte(shape)
    weight = cast(Dimension.weight, Float)
    if shape.previous:
        # The previous period's rows are folded into the current period's group and kept
        # apart by conditional sums: a join of two aggregates misleads the planner into
        # a nested loop over hundreds of Pemda.
        is_current = dims.c.period_id != bindparam("previous_period_id")
        group_period: Any = case((is_current, dims.c.period_id), else_=bindparam("main_period_id"))
    else:
        is_current = literal(True)
        group_period = dims.c.period_id

    def current(column: Any) -> Any:
        return func.sum(case((is_current, column)))

    def count(column: Any) -> Any:
        return func.coalesce(current(column), 0)

    answered = count(dims.c.answered)
    applicable = count(dims.c.applicable)
    verified = count(dims.c.verified)
    scored = (
        select(
            group_period.label("period_id"),
            dims.c.region_id,
            (current(weight * dims.c.score) / current(weight)).label("readiness"),
            (
                func.sum(case((~is_current, weight * dims.c.score)))
                / func.sum(case((~is_current, weight)))
            ).label("previous_readiness"),
            applicable.label("applicable"),
            answered.label("answered"),
            verified.label("verified"),
            count(dims.c.submitted).label("submitted"),
            count(dims.c.draft).label("draft"),
            count(dims.c.returned).label("returned"),
            func.coalesce(share(answered, applicable), 0.0).label("completeness"),
            share(verified, answered).label("verification_rate"),
            share(current(dims.c.timely), current(dims.c.ever_submitted)).label("timeliness"),
            *(
                func.max(
                    case((and_(is_current, dims.c.dimension_id == dim_id), dims.c.score))
                ).label(f"d_{dim_id}")
                for dim_id in shape.dimension_ids
            ),
        )
        .join(Dimension, Dimension.id == dims.c.dimension_id)
        .group_by(group_period, dims.c.region_id)
        .cte("readiness")
    )
    # R rounded to 9 decimals for comparisons: sums of float weights put an exact 80 at
    # 79.99999999999999, which must still be `siap`, and exact ties must fall through to
    # completeness and code rather than to the last bit of a float.
    settled = func.round(cast(scored.c.readiness, Numeric), 9)
    category = (
        select(CategoryThreshold.category)
        .where(
            CategoryThreshold.framework_id == Period.framework_id,
            CategoryThreshold.min_score <= settled,
        )
        .order_by(CategoryThreshold.min_score.desc())
        .limit(1)
        .correlate(Period, scored)
        .scalar_subquery()
    )
    rank = func.row_number().over(
        partition_by=(scored.c.period_id, Region.level),
        order_by=(
            settled.desc(),
            func.round(cast(scored.c.completeness, Numeric), 9).desc(),
            Region.code,
        ),
    )
    parent = aliased(Region)
    return (
        select(
            Period.code.label("period"),
            Region.code.label("region"),
            Region.name.label("name"),
            Region.level.label("level"),
            parent.code.label("parent"),
            scored.c.readiness,
            category.label("category"),
            scored.c.applicable,
            scored.c.answered,
            scored.c.verified,
            scored.c.submitted,
            scored.c.draft,
            scored.c.returned,
            scored.c.completeness,
            scored.c.verification_rate,
            scored.c.timeliness,
            rank.label("rank"),
            scored.c.previous_readiness,
            *(scored.c[f"d_{dim_id}"] for dim_id in shape.dimension_ids),
        )
        .select_from(scored)
        .join(Region, Region.id == scored.c.region_id)
        .outerjoin(parent, parent.id == Region.parent_id)
        .join(Period, Period.id == scored.c.period_id)
        .order_by(Period.start_date, Region.code)
    )


async def pemda_scores(
    session: AsyncSession,
    view: View,
    *,
    dimensions: list[tuple[int, str]],
    period_ids: list[int],
    previous_period_id: int | None = None,
    scope_code: str | None,
    region_code: str | None,
    only_region: bool = False,
) -> list[PemdaScoreRow]:
    """Rows of `pemda_select`, the dimension columns gathered into `dimensions`."""
    ids = tuple(dim_id for dim_id, _ in dimensions)
    shape = Shape(
        view=view,
        dimension_ids=ids,
        previous=previous_period_id is not None,
        scope=scope_code is not None,
        region=region_code is not None,
        only_region=only_region,
    )
    # The statement's bound values by name, as SQLAlchemy takes them.
    params: dict[str, Any] = {
        _PERIOD_IDS: [*period_ids, *([previous_period_id] if previous_period_id else [])],
        **region_params(scope_code, region_code),
    }
    if previous_period_id is not None:
        (params["main_period_id"],) = period_ids
        params["previous_period_id"] = previous_period_id
    result = await session.execute(pemda_select(shape), params)
    fixed = len(_FIXED_COLUMNS)
    if list(result.keys())[:fixed] != _FIXED_COLUMNS:
        raise RuntimeError("pemda_select and PemdaScoreRow list their columns differently")
    return [
        PemdaScoreRow._make(
            (
                *values[:fixed],
                {
                    code: score
                    for (_, code), score in zip(dimensions, values[fixed:], strict=True)
                    if score is not None
                },
            )
        )
        for values in result
    ]

"""The score table statement: one row per (period, Pemda) with R, each D, counts,
completeness, verification, timeliness, category, rank, R of the previous period and the
Pemda's report (state, receipt, on time), as SQL aggregations (scoring.md), never loops
over answers in Python. D per dimension comes from `dimension_scores.dimensions_cte`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Float, Numeric, Select, and_, bindparam, case, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from siaga.models import (
    CategoryThreshold,
    Dimension,
    PemdaReport,
    Period,
    Region,
    RegionLevel,
    ReportState,
)
from siaga.scoring.dimension_scores import PERIOD_IDS, Shape, dimensions_cte
from siaga.scoring.expressions import region_params, share
from siaga.scoring.schemas import View


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
    report_state: ReportState | None
    report_receipt: str | None
    report_on_time: bool | None
    dimensions: dict[str, float]


_FIXED_COLUMNS = list(PemdaScoreRow._fields[:-1])


@lru_cache(maxsize=64)
def pemda_select(shape: Shape) -> Select[*tuple[Any, ...]]:
    """One row per (period, Pemda) of the periods bound as `period_ids` (minus the one
    bound as `previous_period_id`, if the shape has one): R, each D (columns `d_<id>`),
    counts, completeness, verification, timeliness, category, rank within its level, R of
    the previous period and the Pemda's report of the period, ordered by period and code.

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
    # The report as the centre judges it (scoring.md, report timeliness): on time when
    # its first submission came by the deadline day's end in the region's zone (`is_late`
    # is decided then, once); NULL until it is first submitted, however often it is
    # returned and sent again afterwards.
    on_time = case((PemdaReport.first_submitted_at.is_not(None), ~PemdaReport.is_late))
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
            PemdaReport.state.label("report_state"),
            PemdaReport.receipt_number.label("report_receipt"),
            on_time.label("report_on_time"),
            *(scored.c[f"d_{dim_id}"] for dim_id in shape.dimension_ids),
        )
        .select_from(scored)
        .join(Region, Region.id == scored.c.region_id)
        .outerjoin(parent, parent.id == Region.parent_id)
        .join(Period, Period.id == scored.c.period_id)
        # One report per (period, Pemda) at most (unique): the join adds no rows.
        .outerjoin(
            PemdaReport,
            and_(
                PemdaReport.period_id == scored.c.period_id,
                PemdaReport.region_id == scored.c.region_id,
            ),
        )
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
        PERIOD_IDS: [*period_ids, *([previous_period_id] if previous_period_id else [])],
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

"""Readiness scores as SQL aggregations (scoring.md), never loops over answers in Python.

Every query starts from the same set of rows: each (Pemda, indicator) pair the period asks
for, with the indicator score s of its answer in the chosen view (0 when there is no
answer or it does not count). Dimension scores, readiness, completeness, verification rate
and timeliness are GROUP BYs over that set.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Float,
    Numeric,
    Select,
    and_,
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
    Agency,
    AnswerType,
    CategoryThreshold,
    Dimension,
    EvidenceFile,
    Indicator,
    Period,
    Region,
    Submission,
    SubmissionStatus,
)
from siaga.submissions.repository import applies_to_region

View = Literal["official", "provisional"]

_ANSWERED = (SubmissionStatus.SUBMITTED, SubmissionStatus.VERIFIED)


def _counts(view: View, status: Any) -> ColumnElement[bool]:
    """Whether an answer's value counts in the view (otherwise s = 0)."""
    if view == "official":
        return status == SubmissionStatus.VERIFIED  # type: ignore[no-any-return]
    return status.in_(_ANSWERED)  # type: ignore[no-any-return]


def indicator_score(view: View, value: Any = None, status: Any = None) -> ColumnElement[float]:
    """s (0..100) by answer type; 0 for answers that do not count in the view.

    `value` and `status` default to the submissions table's columns; the pair query
    passes those of its pre-filtered answers subquery.
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


def _region_filters(
    regions: Any, scope_code: str | None, region_code: str | None, only_region: bool
) -> list[ColumnElement[bool]]:
    conditions = []
    for code, exact in ((scope_code, False), (region_code, only_region)):
        if code is None:
            continue
        conditions.append(
            regions.code == code
            if exact
            else or_(regions.code == code, regions.code.startswith(code + ".", autoescape=True))
        )
    return conditions


def pairs_cte(
    view: View,
    *,
    period_ids: list[int],
    scope_code: str | None,
    region_code: str | None = None,
    only_region: bool = False,
) -> CTE:
    """(period, Pemda, indicator) rows with s, status and timing of the answer, if any."""
    # The answers of these periods and regions, filtered before the join: otherwise the
    # database hashes every answer of the periods even for one province.
    answer_region = aliased(Region)
    answers = (
        select(
            Submission.period_id,
            Submission.region_id,
            Submission.indicator_id,
            Submission.value,
            Submission.status,
            Submission.first_submitted_at,
            Submission.is_late,
        )
        .join(answer_region, answer_region.id == Submission.region_id)
        .where(
            Submission.period_id.in_(period_ids),
            *_region_filters(answer_region, scope_code, region_code, only_region),
        )
        .subquery("answers")
    )
    stmt = (
        select(
            Period.id.label("period_id"),
            Region.id.label("region_id"),
            Indicator.id.label("indicator_id"),
            Indicator.dimension_id.label("dimension_id"),
            Indicator.agency_type_id.label("agency_type_id"),
            cast(Indicator.weight, Float).label("weight"),
            indicator_score(view, answers.c.value, answers.c.status).label("s"),
            answers.c.status.label("status"),
            answers.c.first_submitted_at.label("first_submitted_at"),
            answers.c.is_late.label("is_late"),
        )
        .select_from(Period)
        .join(Indicator, Indicator.framework_id == Period.framework_id)
        .join(Region, applies_to_region())
        .outerjoin(
            answers,
            and_(
                answers.c.period_id == Period.id,
                answers.c.region_id == Region.id,
                answers.c.indicator_id == Indicator.id,
            ),
        )
        .where(
            Period.id.in_(period_ids),
            *_region_filters(Region, scope_code, region_code, only_region),
        )
    )
    return stmt.cte("pairs")


def _share(numerator: Any, denominator: Any) -> ColumnElement[float | None]:
    """numerator / denominator as a percentage, NULL when the denominator is 0."""
    return case(
        (denominator > 0, cast(numerator, Float) * 100.0 / cast(denominator, Float)),
        else_=None,
    )


def dimensions_cte(pairs: CTE) -> CTE:
    """D = sum(w * s) / sum(w) per (period, Pemda, dimension)."""
    return (
        select(
            pairs.c.period_id,
            pairs.c.region_id,
            pairs.c.dimension_id,
            (func.sum(pairs.c.weight * pairs.c.s) / func.sum(pairs.c.weight)).label("score"),
        )
        .group_by(pairs.c.period_id, pairs.c.region_id, pairs.c.dimension_id)
        .cte("dimension_scores")
    )


def _is(column: Any, *statuses: SubmissionStatus) -> ColumnElement[int]:
    return func.sum(case((column.in_(statuses), 1), else_=0))


def pemda_select(
    pairs: CTE,
    dimension_ids: list[int],
    *,
    main_period_ids: list[int],
    previous_period_id: int | None = None,
) -> Select[Any]:
    """One row per (period, Pemda) of `main_period_ids`: R, each D (columns `d_<id>`),
    counts, completeness, verification, timeliness, category, rank within its level, and
    R of `previous_period_id` when given.

    Dimension scores are pivoted into columns (the framework's dimensions are known before
    the query), so a whole table is one statement and one row per Pemda.
    """
    dims = dimensions_cte(pairs)
    weight = cast(Dimension.weight, Float)
    if previous_period_id is not None:
        # The previous period's rows are folded into the current period's group and kept
        # apart by conditional sums: a join of two aggregates misleads the planner into
        # a nested loop over hundreds of Pemda.
        (main_period,) = main_period_ids
        is_current = dims.c.period_id != previous_period_id
        group_period: Any = case((is_current, dims.c.period_id), else_=main_period)
    else:
        is_current = literal(True)
        group_period = dims.c.period_id

    def current_only(expr: Any) -> Any:
        return case((is_current, expr))

    readiness = (
        select(
            group_period.label("period_id"),
            dims.c.region_id,
            (func.sum(current_only(weight * dims.c.score)) / func.sum(current_only(weight))).label(
                "readiness"
            ),
            (
                func.sum(case((~is_current, weight * dims.c.score)))
                / func.sum(case((~is_current, weight)))
            ).label("previous_readiness"),
            *(
                func.max(current_only(case((dims.c.dimension_id == dim_id, dims.c.score)))).label(
                    f"d_{dim_id}"
                )
                for dim_id in dimension_ids
            ),
        )
        .join(Dimension, Dimension.id == dims.c.dimension_id)
        .group_by(group_period, dims.c.region_id)
        .cte("readiness")
    )
    answered = _is(pairs.c.status, *_ANSWERED)
    verified = _is(pairs.c.status, SubmissionStatus.VERIFIED)
    ever_submitted = func.sum(case((pairs.c.first_submitted_at.is_not(None), 1), else_=0))
    timely = func.sum(
        case(
            (and_(pairs.c.first_submitted_at.is_not(None), pairs.c.is_late.is_(False)), 1),
            else_=0,
        )
    )
    counts = (
        select(
            pairs.c.period_id,
            pairs.c.region_id,
            func.count().label("applicable"),
            answered.label("answered"),
            verified.label("verified"),
            _is(pairs.c.status, SubmissionStatus.SUBMITTED).label("submitted"),
            _is(pairs.c.status, SubmissionStatus.DRAFT).label("draft"),
            _is(pairs.c.status, SubmissionStatus.RETURNED).label("returned"),
            _share(answered, func.count()).label("completeness"),
            _share(verified, answered).label("verification_rate"),
            _share(timely, ever_submitted).label("timeliness"),
        )
        .where(pairs.c.period_id.in_(main_period_ids))
        .group_by(pairs.c.period_id, pairs.c.region_id)
        .cte("counts")
    )
    # R rounded to 9 decimals for comparisons: sums of float weights put an exact 80 at
    # 79.99999999999999, which must still be `siap`, and exact ties must fall through to
    # completeness and code rather than to the last bit of a float.
    settled = func.round(cast(readiness.c.readiness, Numeric), 9)
    category = (
        select(CategoryThreshold.category)
        .where(
            CategoryThreshold.framework_id == Period.framework_id,
            CategoryThreshold.min_score <= settled,
        )
        .order_by(CategoryThreshold.min_score.desc())
        .limit(1)
        .correlate(Period, readiness)
        .scalar_subquery()
    )
    rank = func.row_number().over(
        partition_by=(readiness.c.period_id, Region.level),
        order_by=(
            settled.desc(),
            func.round(cast(counts.c.completeness, Numeric), 9).desc(),
            Region.code,
        ),
    )
    parent = aliased(Region)
    stmt = (
        select(
            Period.code.label("period"),
            Region.code.label("region"),
            Region.name.label("name"),
            Region.level.label("level"),
            parent.code.label("parent"),
            readiness.c.readiness,
            category.label("category"),
            counts.c.applicable,
            counts.c.answered,
            counts.c.verified,
            counts.c.submitted,
            counts.c.draft,
            counts.c.returned,
            counts.c.completeness,
            counts.c.verification_rate,
            counts.c.timeliness,
            rank.label("rank"),
            readiness.c.previous_readiness,
            *(readiness.c[f"d_{dim_id}"] for dim_id in dimension_ids),
        )
        .select_from(readiness)
        .join(
            counts,
            and_(
                counts.c.period_id == readiness.c.period_id,
                counts.c.region_id == readiness.c.region_id,
            ),
        )
        .join(Region, Region.id == readiness.c.region_id)
        .outerjoin(parent, parent.id == Region.parent_id)
        .join(Period, Period.id == readiness.c.period_id)
    )
    return stmt


async def framework_dimensions(session: AsyncSession, framework_id: int) -> list[tuple[int, str]]:
    stmt = (
        select(Dimension.id, Dimension.code)
        .where(Dimension.framework_id == framework_id)
        .order_by(Dimension.position, Dimension.id)
    )
    return [(dim_id, code) for dim_id, code in await session.execute(stmt)]


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
) -> list[dict[str, Any]]:
    """Rows of `pemda_select`, the dimension columns gathered into `dimensions`."""
    pairs = pairs_cte(
        view,
        period_ids=[*period_ids, *([previous_period_id] if previous_period_id else [])],
        scope_code=scope_code,
        region_code=region_code,
        only_region=only_region,
    )
    ids = [dim_id for dim_id, _ in dimensions]
    stmt = pemda_select(
        pairs, ids, main_period_ids=period_ids, previous_period_id=previous_period_id
    ).order_by(Period.start_date, Region.code)
    result = await session.execute(stmt)
    keys = list(result.keys())
    fixed = len(keys) - len(ids)
    rows = []
    for values in result:
        row = dict(zip(keys[:fixed], values[:fixed], strict=True))
        row["dimensions"] = {
            code: score
            for (_, code), score in zip(dimensions, values[fixed:], strict=True)
            if score is not None
        }
        rows.append(row)
    return rows


async def indicator_rows(
    session: AsyncSession, view: View, *, period_id: int, region_id: int
) -> list[dict[str, Any]]:
    """The explanation's leaves: every applicable indicator of one Pemda with its answer."""
    evidence_count = (
        select(func.count(EvidenceFile.id))
        .where(EvidenceFile.submission_id == Submission.id)
        .correlate(Submission)
        .scalar_subquery()
    )
    stmt = (
        select(
            Dimension.code.label("dimension"),
            Dimension.name.label("dimension_name"),
            cast(Dimension.weight, Float).label("dimension_weight"),
            Indicator.code.label("indicator"),
            Indicator.name.label("indicator_name"),
            Indicator.answer_type,
            Indicator.target,
            cast(Indicator.weight, Float).label("weight"),
            Agency.code.label("agency"),
            Submission.status,
            Submission.value,
            Submission.is_late,
            indicator_score(view).label("score"),
            case((Submission.id.is_(None), 0), else_=evidence_count).label("evidence_count"),
        )
        .select_from(Period)
        .join(Indicator, Indicator.framework_id == Period.framework_id)
        .join(Dimension, Dimension.id == Indicator.dimension_id)
        .join(Region, and_(Region.id == region_id, applies_to_region()))
        .outerjoin(
            Agency,
            and_(Agency.region_id == Region.id, Agency.agency_type_id == Indicator.agency_type_id),
        )
        .outerjoin(
            Submission,
            and_(
                Submission.period_id == Period.id,
                Submission.region_id == Region.id,
                Submission.indicator_id == Indicator.id,
            ),
        )
        .where(Period.id == period_id)
        .order_by(Dimension.position, Indicator.position)
    )
    return [row._asdict() for row in await session.execute(stmt)]


async def agency_progress(
    session: AsyncSession, view: View, *, period_id: int, region_id: int
) -> list[dict[str, Any]]:
    """Per office of one Pemda: completeness, verification rate, timeliness (scoring.md)."""
    pairs = pairs_cte(view, period_ids=[period_id], scope_code=None)
    answered = _is(pairs.c.status, *_ANSWERED)
    verified = _is(pairs.c.status, SubmissionStatus.VERIFIED)
    ever_submitted = func.sum(case((pairs.c.first_submitted_at.is_not(None), 1), else_=0))
    timely = func.sum(
        case(
            (and_(pairs.c.first_submitted_at.is_not(None), pairs.c.is_late.is_(False)), 1),
            else_=0,
        )
    )
    stmt = (
        select(
            Agency.code.label("agency"),
            Agency.name.label("name"),
            func.count().label("applicable"),
            answered.label("answered"),
            verified.label("verified"),
            _is(pairs.c.status, SubmissionStatus.RETURNED).label("returned"),
            func.sum(case((pairs.c.status.is_(None), 1), else_=0)).label("not_started"),
            _share(answered, func.count()).label("completeness"),
            _share(verified, answered).label("verification_rate"),
            _share(timely, ever_submitted).label("timeliness"),
        )
        .select_from(pairs)
        .join(
            Agency,
            and_(
                Agency.region_id == pairs.c.region_id,
                Agency.agency_type_id == pairs.c.agency_type_id,
            ),
        )
        .where(pairs.c.region_id == region_id)
        .group_by(Agency.code, Agency.name)
        .order_by(Agency.code)
    )
    return [row._asdict() for row in await session.execute(stmt)]


async def signature(session: AsyncSession, period_codes: list[str] | None) -> tuple[Any, ...]:
    """Changes whenever an answer of these periods (None: all) or a period's state changes:
    the ETag's basis."""
    stmt = (
        select(
            func.count(Submission.id),
            func.max(Submission.updated_at),
            # Transactions may commit out of timestamp order; every write bumps a version.
            func.coalesce(func.sum(Submission.version), 0),
        )
        .select_from(Submission)
        .join(Period, Period.id == Submission.period_id)
    )
    if period_codes is not None:
        stmt = stmt.where(Period.code.in_(period_codes))
    answers = tuple((await session.execute(stmt)).one())
    # Opening or closing a period changes which periods a trend shows.
    periods = tuple((await session.execute(select(Period.code, Period.state))).all())
    return (*answers, periods)


async def thresholds(session: AsyncSession, framework_id: int) -> list[dict[str, Any]]:
    stmt = (
        select(
            CategoryThreshold.category,
            CategoryThreshold.label,
            CategoryThreshold.label_en,
            CategoryThreshold.min_score,
        )
        .where(CategoryThreshold.framework_id == framework_id)
        .order_by(CategoryThreshold.min_score.desc())
    )
    return [row._asdict() for row in await session.execute(stmt)]


async def periods_for_trend(session: AsyncSession) -> list[Period]:
    """Periods that have started (planned ones have no answers to show)."""
    stmt = select(Period).where(Period.state != "planned").order_by(Period.start_date)
    return list((await session.scalars(stmt)).all())

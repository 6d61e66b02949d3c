"""Readiness scores as SQL aggregations (scoring.md), never loops over answers in Python.

Every query starts from the same set of rows: each (Pemda, indicator) pair the period asks
for, with the indicator score s of its answer in the chosen view (0 when there is no
answer or it does not count). Dimension scores, readiness, completeness, verification rate
and timeliness are GROUP BYs over that set.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal, NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Float,
    Numeric,
    Select,
    String,
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
    Agency,
    AnswerType,
    CategoryThreshold,
    Dimension,
    EvidenceFile,
    Indicator,
    Period,
    PeriodState,
    Region,
    RegionLevel,
    ScoreRevision,
    Submission,
    SubmissionStatus,
)
from siaga.models.revision import REFERENCE_KEY
from siaga.submissions.grid import applies_to_region

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


def _subtree_pattern(code: str) -> str:
    """LIKE pattern for the descendants of `code`, its wildcards escaped with '/'."""
    escaped = code.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"{escaped}.%"


def region_params(scope_code: str | None, region_code: str | None) -> dict[str, str]:
    params: dict[str, str] = {}
    if scope_code is not None:
        params |= {"scope_code": scope_code, "scope_pattern": _subtree_pattern(scope_code)}
    if region_code is not None:
        params |= {"region_code": region_code, "region_pattern": _subtree_pattern(region_code)}
    return params


_PERIOD_IDS = "period_ids"


def _period_ids() -> BindParameter[Any]:
    return bindparam(_PERIOD_IDS, expanding=True)


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
    """(period, Pemda, indicator) rows with s, status and timing of the answer, if any:
    the grid of every applicable pair, for reports that need per-indicator aggregates
    over a subtree (the score tables themselves use `pemda_select`, which reads only the
    answers)."""
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


def _pemda_pairs() -> CTE:
    """Every indicator that applies to the Pemda bound as `region_id` in the period bound
    as `period_id`, with its answer's status and timing, if any (one Pemda: a few dozen
    rows, so the grid is cheap here)."""
    return (
        select(
            Indicator.agency_type_id,
            Submission.status,
            Submission.first_submitted_at,
            Submission.is_late,
        )
        .select_from(Period)
        .join(Indicator, Indicator.framework_id == Period.framework_id)
        .join(Region, and_(Region.id == bindparam("region_id"), applies_to_region()))
        .outerjoin(
            Submission,
            and_(
                Submission.period_id == Period.id,
                Submission.region_id == Region.id,
                Submission.indicator_id == Indicator.id,
            ),
        )
        .where(Period.id == bindparam("period_id"))
        .cte("pairs")
    )


def _share(numerator: Any, denominator: Any) -> ColumnElement[float | None]:
    """numerator / denominator as a percentage, NULL when the denominator is 0."""
    return case(
        (denominator > 0, cast(numerator, Float) * 100.0 / cast(denominator, Float)),
        else_=None,
    )


def _is(column: Any, *statuses: SubmissionStatus) -> ColumnElement[int]:
    # FILTER rather than sum(CASE ...): PostgreSQL skips the rows instead of adding zeros.
    return func.count().filter(column.in_(statuses))


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
    answered = _is(Submission.status, *_ANSWERED)
    return (
        select(
            Submission.period_id,
            Submission.region_id,
            Indicator.dimension_id,
            func.sum(cast(Indicator.weight, Float) * indicator_score(shape.view)).label("ws"),
            answered.label("answered"),
            _is(Submission.status, SubmissionStatus.VERIFIED).label("verified"),
            _is(Submission.status, SubmissionStatus.SUBMITTED).label("submitted"),
            _is(Submission.status, SubmissionStatus.DRAFT).label("draft"),
            _is(Submission.status, SubmissionStatus.RETURNED).label("returned"),
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
            func.coalesce(_share(answered, applicable), 0.0).label("completeness"),
            _share(verified, answered).label("verification_rate"),
            _share(current(dims.c.timely), current(dims.c.ever_submitted)).label("timeliness"),
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
    ids = tuple(dim_id for dim_id, _ in dimensions)
    shape = Shape(
        view=view,
        dimension_ids=ids,
        previous=previous_period_id is not None,
        scope=scope_code is not None,
        region=region_code is not None,
        only_region=only_region,
    )
    params: dict[str, Any] = {
        _PERIOD_IDS: [*period_ids, *([previous_period_id] if previous_period_id else [])],
        **region_params(scope_code, region_code),
    }
    if previous_period_id is not None:
        (params["main_period_id"],) = period_ids
        params["previous_period_id"] = previous_period_id
    result = await session.execute(pemda_select(shape), params)
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


@lru_cache(maxsize=4)
def _indicator_rows_select(view: View) -> Select[*tuple[Any, ...]]:
    evidence_count = (
        select(func.count(EvidenceFile.id))
        .where(EvidenceFile.submission_id == Submission.id)
        .correlate(Submission)
        .scalar_subquery()
    )
    return (
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
        .join(Region, and_(Region.id == bindparam("region_id"), applies_to_region()))
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
        .where(Period.id == bindparam("period_id"))
        .order_by(Dimension.position, Indicator.position)
    )


async def indicator_rows(
    session: AsyncSession, view: View, *, period_id: int, region_id: int
) -> list[dict[str, Any]]:
    """The explanation's leaves: every applicable indicator of one Pemda with its answer."""
    result = await session.execute(
        _indicator_rows_select(view), {"period_id": period_id, "region_id": region_id}
    )
    return [dict(row) for row in result.mappings()]


@lru_cache(maxsize=1)
def _agency_progress_select() -> Select[*tuple[Any, ...]]:
    pairs = _pemda_pairs()
    answered = _is(pairs.c.status, *_ANSWERED)
    verified = _is(pairs.c.status, SubmissionStatus.VERIFIED)
    ever_submitted = func.count().filter(pairs.c.first_submitted_at.is_not(None))
    timely = func.count().filter(
        pairs.c.first_submitted_at.is_not(None), pairs.c.is_late.is_(False)
    )
    return (
        select(
            Agency.code.label("agency"),
            Agency.name.label("name"),
            func.count().label("applicable"),
            answered.label("answered"),
            verified.label("verified"),
            _is(pairs.c.status, SubmissionStatus.RETURNED).label("returned"),
            func.count().filter(pairs.c.status.is_(None)).label("not_started"),
            _share(answered, func.count()).label("completeness"),
            _share(verified, answered).label("verification_rate"),
            _share(timely, ever_submitted).label("timeliness"),
        )
        .select_from(pairs)
        .join(
            Agency,
            and_(
                Agency.region_id == bindparam("region_id"),
                Agency.agency_type_id == pairs.c.agency_type_id,
            ),
        )
        .group_by(Agency.code, Agency.name)
        .order_by(Agency.code)
    )


async def agency_progress(
    session: AsyncSession, *, period_id: int, region_id: int
) -> list[dict[str, Any]]:
    """Per office of one Pemda: completeness, verification rate, timeliness (scoring.md;
    the same in both views: they count statuses, not scores)."""
    result = await session.execute(
        _agency_progress_select(), {"period_id": period_id, "region_id": region_id}
    )
    return [dict(row) for row in result.mappings()]


@lru_cache(maxsize=8)
def _signature_select(by_period: bool, with_previous: bool, by_region: bool) -> Select[int]:
    """The counter sum for one shape of request, built once: a 304 is mostly this
    statement, and building it per request cost more Python time than running it."""
    selected: list[ColumnElement[bool]] = []
    if by_period:
        code: BindParameter[str] = bindparam("period_code", type_=String())
        current = select(Period.id).where(Period.code == code)
        periods: list[ColumnElement[bool]] = [ScoreRevision.period_id.in_(current)]
        if with_previous:
            this = aliased(Period)
            previous = (
                select(Period.id)
                .join(
                    this,
                    and_(
                        this.code == code,
                        Period.framework_id == this.framework_id,
                        Period.start_date < this.start_date,
                        # The comparison is with the latest closed period (service._previous).
                        Period.state == PeriodState.CLOSED,
                    ),
                )
                .order_by(Period.start_date.desc())
                .limit(1)
                .scalar_subquery()
            )
            periods.append(ScoreRevision.period_id == previous)
        selected.append(or_(*periods))
    if by_region:
        selected.append(
            ScoreRevision.region_id.in_(
                select(Region.id).where(Region.code == bindparam("region_code", type_=String()))
            )
        )
    reference = and_(
        ScoreRevision.period_id == REFERENCE_KEY[0], ScoreRevision.region_id == REFERENCE_KEY[1]
    )
    return select(func.coalesce(func.sum(ScoreRevision.revision), 0)).where(
        or_(reference, and_(*selected)) if selected else literal(True)
    )


async def signature(
    session: AsyncSession,
    *,
    period_code: str | None,
    with_previous: bool = False,
    region_code: str | None = None,
) -> int:
    """Sum of the change counters of a period (by code; with the previous closed period of its
    framework if asked; None: every period) and a Pemda (None: every Pemda), plus the
    reference-data counter: it grows with every change a score depends on.

    One statement that resolves the codes itself, so a poller's 304 costs one index range
    scan over at most a few thousand small rows (see ScoreRevision).
    """
    params = {
        name: value
        for name, value in (("period_code", period_code), ("region_code", region_code))
        if value is not None
    }
    stmt = _signature_select(
        period_code is not None, with_previous and period_code is not None, region_code is not None
    )
    return int(await session.scalar(stmt, params) or 0)


async def periods(session: AsyncSession) -> list[Period]:
    """Every period in time order: few (four a year), and each request needs its period,
    the previous one or all of them."""
    return list((await session.scalars(select(Period).order_by(Period.start_date))).all())


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

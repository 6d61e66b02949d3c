"""The change counters behind the score routes' ETags: a 304 is mostly this one statement."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from siaga.models import Period, PeriodState, Region, ScoreRevision
from siaga.models.revision import REFERENCE_KEY


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

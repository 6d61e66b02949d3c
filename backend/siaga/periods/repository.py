from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.models import Framework, Period, PeriodState


@dataclass(frozen=True, slots=True)
class PeriodRow:
    code: str
    name: str
    framework_code: str
    start_date: date
    end_date: date
    deadline: date
    state: PeriodState
    opened_at: datetime | None
    closed_at: datetime | None


def _select_periods() -> Select[*tuple[Any, ...]]:
    return select(
        Period.code,
        Period.name,
        Framework.code.label("framework_code"),
        Period.start_date,
        Period.end_date,
        Period.deadline,
        Period.state,
        Period.opened_at,
        Period.closed_at,
    ).join(Framework, Period.framework_id == Framework.id)


async def list_periods(
    session: AsyncSession, page: PageParams, *, state: PeriodState | None
) -> tuple[list[PeriodRow], int]:
    stmt = _select_periods()
    if state is not None:
        stmt = stmt.where(Period.state == state)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await session.execute(
        stmt.order_by(Period.start_date, Period.code).limit(page.limit).offset(page.offset)
    )
    return [PeriodRow(**row._asdict()) for row in rows], total or 0


async def get_period(session: AsyncSession, code: str) -> PeriodRow | None:
    row = (await session.execute(_select_periods().where(Period.code == code))).first()
    return PeriodRow(**row._asdict()) if row else None

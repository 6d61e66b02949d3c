from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.models import Framework, FrameworkStatus, Period, PeriodState


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


class FrameworkRef(NamedTuple):
    id: int
    status: FrameworkStatus


async def framework_by_code(session: AsyncSession, code: str) -> FrameworkRef | None:
    row = (
        await session.execute(select(Framework.id, Framework.status).where(Framework.code == code))
    ).first()
    return FrameworkRef(row.id, row.status) if row else None


async def code_exists(session: AsyncSession, code: str) -> bool:
    return bool(await session.scalar(select(exists().where(Period.code == code))))


async def overlapping_code(
    session: AsyncSession, starts_on: date, ends_on: date, *, other_than: str
) -> str | None:
    """The code of another period sharing at least one day with [starts_on, ends_on]."""
    return await session.scalar(
        select(Period.code)
        .where(
            Period.start_date <= ends_on,
            Period.end_date >= starts_on,
            Period.code != other_than,
        )
        .order_by(Period.start_date)
        .limit(1)
    )


async def default_framework_code(session: AsyncSession) -> str | None:
    """The framework a new period is answered against when none is named: the active
    published version, else the most recently published one."""
    return await session.scalar(
        select(Framework.code)
        .where(Framework.status == FrameworkStatus.PUBLISHED)
        .order_by(
            Framework.is_active.desc(),
            Framework.published_at.desc().nulls_last(),
            Framework.id.desc(),
        )
        .limit(1)
    )

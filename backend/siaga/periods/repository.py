from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.models import Framework, Period, PeriodState


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
) -> tuple[list[dict[str, Any]], int]:
    stmt = _select_periods()
    if state is not None:
        stmt = stmt.where(Period.state == state)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await session.execute(
        stmt.order_by(Period.start_date, Period.code).limit(page.limit).offset(page.offset)
    )
    return [dict(row._mapping) for row in rows], total or 0


async def get_period(session: AsyncSession, code: str) -> dict[str, Any] | None:
    row = (await session.execute(_select_periods().where(Period.code == code))).first()
    return dict(row._mapping) if row else None

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.errors import NotFound
from siaga.core.pagination import PageParams
from siaga.models import PeriodState
from siaga.periods import repository
from siaga.periods.schemas import PeriodPage, PeriodRead


class PeriodNotFound(NotFound):
    code = "period_not_found"


async def list_periods(
    session: AsyncSession, page: PageParams, *, state: PeriodState | None
) -> PeriodPage:
    rows, total = await repository.list_periods(session, page, state=state)
    return PeriodPage(
        items=[PeriodRead(**row) for row in rows], total=total, limit=page.limit, offset=page.offset
    )


async def get_period(session: AsyncSession, code: str) -> PeriodRead:
    row = await repository.get_period(session, code)
    if row is None:
        raise PeriodNotFound(f"Periode {code!r} tidak ditemukan (period not found)")
    return PeriodRead(**row)

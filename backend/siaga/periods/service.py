from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.auth.exceptions import Forbidden
from siaga.core.errors import Conflict, NotFound
from siaga.core.pagination import PageParams
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.models import Period, PeriodState
from siaga.periods import repository
from siaga.periods.schemas import PeriodPage, PeriodRead


class PeriodNotFound(NotFound):
    code = "period_not_found"


async def list_periods(
    session: AsyncSession, page: PageParams, *, state: PeriodState | None
) -> PeriodPage:
    rows, total = await repository.list_periods(session, page, state=state)
    return PeriodPage(
        items=[PeriodRead.model_validate(row) for row in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def get_period(session: AsyncSession, code: str) -> PeriodRead:
    row = await repository.get_period(session, code)
    if row is None:
        raise PeriodNotFound(f"Periode {code!r} tidak ditemukan (period not found)")
    return PeriodRead.model_validate(row)


async def change_state(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    code: str,
    target: PeriodState,
) -> PeriodRead:
    """Open a planned or closed period, or close an open one (national administrators).

    Periods are national: a provincial administrator opening one would open it for
    every province.
    """
    if principal.region_code is not None:
        raise Forbidden(
            "Hanya administrator nasional yang dapat membuka atau menutup periode "
            "(only national administrators open and close periods)"
        )
    period = await session.scalar(select(Period).where(Period.code == code).with_for_update())
    if period is None:
        raise PeriodNotFound(f"Periode {code!r} tidak ditemukan (period not found)")
    allowed_from = {
        PeriodState.OPEN: {PeriodState.PLANNED, PeriodState.CLOSED},
        PeriodState.CLOSED: {PeriodState.OPEN},
    }[target]
    if period.state not in allowed_from:
        raise Conflict(
            f"Periode {code} berstatus {period.state.value} (period is {period.state.value})",
            code="invalid_state",
        )
    before = period.state.value
    period.state = target
    now = utcnow()
    if target == PeriodState.OPEN:
        period.opened_at = now
        period.closed_at = None
    else:
        period.closed_at = now
    await session.flush()
    record(
        session,
        actor,
        f"period.{'open' if target == PeriodState.OPEN else 'close'}",
        entity_type="period",
        entity_id=code,
        before={"state": before},
        after={"state": target.value},
    )
    return await get_period(session, code)

"""Loaders of a period named by its code: written once, used by every route that takes
one (architecture: routers stay thin; the 404 is the same everywhere)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.deps import DbSession
from siaga.models import Period
from siaga.periods.exceptions import PeriodNotFound

CODE_MAX_LENGTH = 20


async def period_or_404(session: AsyncSession, code: str) -> Period:
    """The period with this code, or 404 period_not_found."""
    period = await session.scalar(select(Period).where(Period.code == code))
    if period is None:
        raise PeriodNotFound(f"Periode {code!r} tidak ditemukan (period not found)")
    return period


async def _from_path(
    session: DbSession,
    period: Annotated[
        str, Path(max_length=CODE_MAX_LENGTH, description="Period code, e.g. `2023-Q4`")
    ],
) -> Period:
    return await period_or_404(session, period)


async def _from_query(
    session: DbSession,
    period: Annotated[
        str, Query(max_length=CODE_MAX_LENGTH, description="Period code, e.g. `2023-Q4`")
    ],
) -> Period:
    return await period_or_404(session, period)


# A route declares these after its principal, so that an unauthenticated or forbidden
# caller learns nothing about which periods exist (FastAPI resolves in that order).
PeriodInPath = Annotated[Period, Depends(_from_path)]
PeriodInQuery = Annotated[Period, Depends(_from_query)]

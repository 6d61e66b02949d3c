from __future__ import annotations

from fastapi import APIRouter

from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.params import CodePath
from siaga.models import PeriodState
from siaga.periods import service
from siaga.periods.schemas import PeriodPage, PeriodRead

router = APIRouter(prefix="/periods", tags=["periods"])


@router.get("", name="list", response_model=PeriodPage, responses=responses(422))
async def list_periods(
    session: DbSession, page: Pagination, state: PeriodState | None = None
) -> PeriodPage:
    """List reporting periods in date order, optionally only those in one state."""
    return await service.list_periods(session, page, state=state)


@router.get("/{code}", name="get", response_model=PeriodRead, responses=responses(404))
async def get_period(session: DbSession, code: CodePath) -> PeriodRead:
    """One reporting period by its code, such as `2023-Q4`."""
    return await service.get_period(session, code)

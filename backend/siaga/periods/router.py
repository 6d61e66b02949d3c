from __future__ import annotations

from fastapi import APIRouter, Depends

from siaga.auth.dependencies import Admin, CurrentActor, require
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.params import CodePath
from siaga.core.security import Capability
from siaga.models import PeriodState
from siaga.periods import service
from siaga.periods.schemas import (
    PeriodCreate,
    PeriodDeadlineChange,
    PeriodPage,
    PeriodRead,
    PeriodReopen,
)

# Reference data: any signed-in principal that may read, whatever its scope.
router = APIRouter(
    prefix="/periods", tags=["periods"], dependencies=[Depends(require(Capability.READ))]
)


@router.get("", name="list", response_model=PeriodPage, responses=responses(401, 403))
async def list_periods(
    session: DbSession, page: Pagination, state: PeriodState | None = None
) -> PeriodPage:
    """List reporting periods in date order, optionally only those in one state."""
    return await service.list_periods(session, page, state=state)


@router.get("/{code}", name="get", response_model=PeriodRead, responses=responses(401, 403, 404))
async def get_period(session: DbSession, code: CodePath) -> PeriodRead:
    """One reporting period by its code, such as `2023-Q4`."""
    return await service.get_period(session, code)


@router.post(
    "/{code}/open", name="open", response_model=PeriodRead, responses=responses(401, 403, 404, 409)
)
async def open_period(
    session: DbSession, admin: Admin, actor: CurrentActor, code: CodePath
) -> PeriodRead:
    """Open a period for answers (national administrators)."""
    return await service.change_state(session, admin, actor, code, PeriodState.OPEN)


@router.post(
    "/{code}/close",
    name="close",
    response_model=PeriodRead,
    responses=responses(401, 403, 404, 409),
)
async def close_period(
    session: DbSession, admin: Admin, actor: CurrentActor, code: CodePath
) -> PeriodRead:
    """Close a period: its answers can no longer change (national administrators)."""
    return await service.change_state(session, admin, actor, code, PeriodState.CLOSED)


@router.post(
    "",
    name="create",
    status_code=201,
    response_model=PeriodRead,
    responses=responses(401, 403, 409, 422),
)
async def create_period(
    session: DbSession, admin: Admin, actor: CurrentActor, body: PeriodCreate
) -> PeriodRead:
    """Create a planned quarter such as `2025-Q1` (national administrators); dates default
    from the quarter and the deadline to the 10th of the following month."""
    return await service.create_period(session, admin, actor, body)


@router.patch(
    "/{code}",
    name="change_deadline",
    response_model=PeriodRead,
    responses=responses(401, 403, 404, 422),
)
async def change_deadline(
    session: DbSession,
    admin: Admin,
    actor: CurrentActor,
    code: CodePath,
    body: PeriodDeadlineChange,
) -> PeriodRead:
    """Move a period's deadline, with a reason (national administrators). Answers submitted
    from now on are judged against the new deadline."""
    return await service.change_deadline(session, admin, actor, code, body.deadline, body.reason)


@router.post(
    "/{code}/reopen",
    name="reopen",
    response_model=PeriodRead,
    responses=responses(401, 403, 404, 409, 422),
)
async def reopen_period(
    session: DbSession, admin: Admin, actor: CurrentActor, code: CodePath, body: PeriodReopen
) -> PeriodRead:
    """Open a closed period again, with a reason (national administrators)."""
    return await service.reopen_period(session, admin, actor, code, body.reason)

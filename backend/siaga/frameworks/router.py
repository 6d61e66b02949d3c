from __future__ import annotations

from fastapi import APIRouter, Depends

from siaga.auth.dependencies import require
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.params import CodePath
from siaga.core.security import Capability
from siaga.frameworks import service
from siaga.frameworks.schemas import FrameworkPage, FrameworkRead

# Reference data: any signed-in principal that may read, whatever its scope.
router = APIRouter(
    prefix="/frameworks", tags=["frameworks"], dependencies=[Depends(require(Capability.READ))]
)


@router.get("", name="list", response_model=FrameworkPage, responses=responses(401, 403))
async def list_frameworks(session: DbSession, page: Pagination) -> FrameworkPage:
    """List indicator frameworks, the active one first."""
    return await service.list_frameworks(session, page)


@router.get("/{code}", name="get", response_model=FrameworkRead, responses=responses(401, 403, 404))
async def get_framework(session: DbSession, code: CodePath) -> FrameworkRead:
    """One framework with its dimensions, indicators, thresholds and level rubric."""
    return await service.get_framework(session, code)

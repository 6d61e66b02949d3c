from __future__ import annotations

from fastapi import APIRouter

from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.params import CodePath
from siaga.frameworks import service
from siaga.frameworks.schemas import FrameworkPage, FrameworkRead

router = APIRouter(prefix="/frameworks", tags=["frameworks"])


@router.get("", name="list", response_model=FrameworkPage, responses=responses(422))
async def list_frameworks(session: DbSession, page: Pagination) -> FrameworkPage:
    """List indicator frameworks, the active one first."""
    return await service.list_frameworks(session, page)


@router.get("/{code}", name="get", response_model=FrameworkRead, responses=responses(404))
async def get_framework(session: DbSession, code: CodePath) -> FrameworkRead:
    """One framework with its dimensions, indicators, thresholds and level rubric."""
    return await service.get_framework(session, code)

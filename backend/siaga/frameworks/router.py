from __future__ import annotations

from fastapi import APIRouter, Depends

from siaga.auth.dependencies import Admin, CurrentActor, require
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.params import CodePath
from siaga.core.security import Capability
from siaga.frameworks import service
from siaga.frameworks.diff import FrameworkDiff
from siaga.frameworks.schemas import (
    FrameworkContent,
    FrameworkCopy,
    FrameworkCreate,
    FrameworkPage,
    FrameworkRead,
)

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


@router.get(
    "/{code}/diff/{other}",
    name="diff",
    response_model=FrameworkDiff,
    responses=responses(401, 403, 404),
)
async def diff_frameworks(session: DbSession, code: CodePath, other: CodePath) -> FrameworkDiff:
    """What changed from version `code` to version `other`: indicators added, removed and
    changed (with the changed fields), dimension weights and category thresholds."""
    return await service.diff_frameworks(session, code, other)


@router.post(
    "",
    name="create",
    status_code=201,
    response_model=FrameworkRead,
    responses=responses(401, 403, 409, 422),
)
async def create_framework(
    session: DbSession, admin: Admin, actor: CurrentActor, body: FrameworkCreate
) -> FrameworkRead:
    """Create an empty draft version (national administrators)."""
    return await service.create_framework(session, admin, actor, body)


@router.put(
    "/{code}",
    name="replace",
    response_model=FrameworkRead,
    responses=responses(401, 403, 404, 409, 422),
)
async def replace_framework(
    session: DbSession, admin: Admin, actor: CurrentActor, code: CodePath, body: FrameworkContent
) -> FrameworkRead:
    """Replace a draft's whole content: dimensions, indicators, weights, thresholds.
    422 lists every problem, each naming its path; 409 once the version is published."""
    return await service.replace_content(session, admin, actor, code, body)


@router.post(
    "/{code}/copy",
    name="copy",
    status_code=201,
    response_model=FrameworkRead,
    responses=responses(401, 403, 404, 409, 422),
)
async def copy_framework(
    session: DbSession, admin: Admin, actor: CurrentActor, code: CodePath, body: FrameworkCopy
) -> FrameworkRead:
    """A new draft with the same content as this version."""
    return await service.copy_framework(session, admin, actor, code, body)


@router.post(
    "/{code}/publish",
    name="publish",
    response_model=FrameworkRead,
    responses=responses(401, 403, 404, 409, 422),
)
async def publish_framework(
    session: DbSession, admin: Admin, actor: CurrentActor, code: CodePath
) -> FrameworkRead:
    """Draft -> published after validation (422 with one detail per problem)."""
    return await service.publish_framework(session, admin, actor, code)

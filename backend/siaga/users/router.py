from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from siaga.auth.dependencies import Admin, CurrentActor
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.params import RegionCodeQuery, SearchQuery
from siaga.models import Role
from siaga.users import service
from siaga.users.schemas import UserCreate, UserPage, UserRead, UserUpdate

router = APIRouter(prefix="/users", tags=["users"])

UsernamePath = Annotated[str, Path(max_length=80)]


@router.get("", name="list", response_model=UserPage, responses=responses(401, 403))
async def list_users(
    session: DbSession,
    admin: Admin,
    page: Pagination,
    role: Role | None = None,
    region: RegionCodeQuery = None,
    active: Annotated[bool | None, Query()] = None,
    q: SearchQuery = None,
) -> UserPage:
    """List user accounts in the administrator's scope."""
    return await service.list_users(
        session, page, scope=admin.region_code, role=role, region=region, active=active, q=q
    )


@router.post(
    "",
    name="create",
    status_code=201,
    response_model=UserRead,
    responses=responses(401, 403, 409, 429),
)
async def create_user(
    session: DbSession, admin: Admin, actor: CurrentActor, data: UserCreate
) -> UserRead:
    """Create an account with a role and a scope inside the administrator's own."""
    return await service.create_user(session, data, principal=admin, actor=actor)


@router.get("/{username}", name="get", response_model=UserRead, responses=responses(401, 403, 404))
async def get_user(session: DbSession, admin: Admin, username: UsernamePath) -> UserRead:
    """One account in the administrator's scope."""
    return await service.get_user(session, username, scope=admin.region_code)


@router.patch(
    "/{username}",
    name="update",
    response_model=UserRead,
    responses=responses(401, 403, 404, 409),
)
async def update_user(
    session: DbSession,
    admin: Admin,
    actor: CurrentActor,
    username: UsernamePath,
    data: UserUpdate,
) -> UserRead:
    """Change an account's name, e-mail, password, or disable it (ending its sessions)."""
    return await service.update_user(session, username, data, principal=admin, actor=actor)

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from siaga.apikeys import service
from siaga.apikeys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyPage, ApiKeyRead
from siaga.auth.dependencies import Admin, AppSettings, CurrentActor
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination

router = APIRouter(prefix="/api-keys", tags=["api_keys"])

PrefixPath = Annotated[str, Path(max_length=32, pattern=r"^[0-9a-f]{1,32}$")]


@router.get("", name="list", response_model=ApiKeyPage, responses=responses(401, 403))
async def list_api_keys(
    session: DbSession,
    admin: Admin,
    page: Pagination,
    active: Annotated[bool | None, Query(description="Only active or only revoked keys")] = None,
) -> ApiKeyPage:
    """List API keys in the administrator's scope, newest first."""
    return await service.list_keys(session, page, scope=admin.region_code, active=active)


@router.post(
    "",
    name="create",
    status_code=201,
    response_model=ApiKeyCreated,
    responses=responses(401, 403),
)
async def create_api_key(
    session: DbSession,
    admin: Admin,
    actor: CurrentActor,
    settings: AppSettings,
    data: ApiKeyCreate,
) -> ApiKeyCreated:
    """Create a key for another system; the secret is in this response and nowhere else."""
    return await service.create_key(session, settings, data, principal=admin, actor=actor)


@router.get("/{prefix}", name="get", response_model=ApiKeyRead, responses=responses(401, 403, 404))
async def get_api_key(session: DbSession, admin: Admin, prefix: PrefixPath) -> ApiKeyRead:
    """One API key by its public prefix."""
    return await service.get_key(session, prefix, scope=admin.region_code)


@router.delete(
    "/{prefix}",
    name="revoke",
    response_model=ApiKeyRead,
    responses=responses(401, 403, 404, 409),
)
async def revoke_api_key(
    session: DbSession, admin: Admin, actor: CurrentActor, prefix: PrefixPath
) -> ApiKeyRead:
    """Revoke a key: it stops working at once."""
    return await service.revoke_key(session, prefix, principal=admin, actor=actor)

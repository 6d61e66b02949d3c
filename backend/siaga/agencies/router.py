from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from siaga.agencies import service
from siaga.agencies.schemas import (
    AgencyCreate,
    AgencyPage,
    AgencyRead,
    AgencyTypeRead,
    AgencyUpdate,
)
from siaga.auth.dependencies import Admin, CurrentActor, require
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.params import CodePath, RegionCodeQuery
from siaga.core.security import Capability

# Reference data: any signed-in principal that may read, whatever its scope.
router = APIRouter(tags=["agencies"], dependencies=[Depends(require(Capability.READ))])

TypeQuery = Annotated[
    str | None, Query(max_length=40, pattern=r"^[a-z0-9_]+$", description="Agency type code")
]


@router.get("/agencies", name="list", response_model=AgencyPage, responses=responses(401, 403))
async def list_agencies(
    session: DbSession,
    page: Pagination,
    region: RegionCodeQuery = None,
    type: TypeQuery = None,
) -> AgencyPage:
    """List regional agencies, filtered by region and agency type."""
    return await service.list_agencies(session, page, region=region, type_code=type)


@router.get(
    "/agencies/{code}", name="get", response_model=AgencyRead, responses=responses(401, 403, 404)
)
async def get_agency(session: DbSession, code: CodePath) -> AgencyRead:
    """One agency by its code, such as `64.72.kesbangpol`."""
    return await service.get_agency(session, code)


@router.post(
    "/agencies",
    name="create",
    status_code=201,
    response_model=AgencyRead,
    responses=responses(401, 403, 409),
)
async def create_agency(
    session: DbSession, principal: Admin, actor: CurrentActor, data: AgencyCreate
) -> AgencyRead:
    """Add an agency to a Pemda in the admin's scope; its code is `<region>.<type>`."""
    return await service.create_agency(session, data, scope=principal.region_code, actor=actor)


@router.patch(
    "/agencies/{code}",
    name="update",
    response_model=AgencyRead,
    responses=responses(401, 403, 404),
)
async def update_agency(
    session: DbSession, principal: Admin, actor: CurrentActor, code: CodePath, data: AgencyUpdate
) -> AgencyRead:
    """Rename an agency or (de)activate it; an inactive one keeps its answers and history
    but is offered for no new work."""
    return await service.update_agency(
        session, code, data, scope=principal.region_code, actor=actor
    )


@router.get(
    "/agency-types",
    name="list_types",
    response_model=list[AgencyTypeRead],
    responses=responses(401, 403),
)
async def list_agency_types(session: DbSession) -> list[AgencyTypeRead]:
    """Every agency type that indicators can be assigned to."""
    return await service.list_agency_types(session)
